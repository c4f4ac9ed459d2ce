namespace CaptionBoundaries.Ui.Services;

/// <summary>
/// Calls a page's refresh on a fixed interval until disposed. Failures are left to the callback (which shows
/// them on the page) so one failed poll never ends the loop or the circuit. It ticks on the registered
/// <see cref="TimeProvider"/>, so a test can tick it by hand instead of waiting for real seconds.
/// </summary>
public sealed class RefreshLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RefreshLoop(TimeSpan interval, TimeProvider clock, Func<Task> refresh) => _loop = Run(interval, clock, refresh, _stop.Token);

    private static async Task Run(TimeSpan interval, TimeProvider clock, Func<Task> refresh, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) await refresh();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away mid-refresh; nothing is left to update.
        }
        _stop.Dispose();
    }
}
