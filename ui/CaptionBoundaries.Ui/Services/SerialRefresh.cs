namespace CaptionBoundaries.Ui.Services;

/// <summary>
/// Runs a page's reload one at a time, however fast notifications arrive: a request made during a reload runs one
/// more reload after it, so the last state shown is never older than the last notification (two overlapping
/// reloads could otherwise finish out of order and leave a stale "Running" on screen).
/// </summary>
public sealed class SerialRefresh(Func<Task> reload)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _pending;

    public async Task Request()
    {
        Interlocked.Increment(ref _pending);
        await _gate.WaitAsync();
        try
        {
            // Every request that arrived before this point is served by the one reload below.
            if (Interlocked.Exchange(ref _pending, 0) == 0) return;
            await reload();
        }
        finally
        {
            _gate.Release();
        }
    }
}
