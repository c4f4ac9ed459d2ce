namespace CaptionBoundaries.Infrastructure.DatasetVersions;

/// <summary>
/// In-process exclusion between version creation (which writes blobs, then records references to them) and
/// garbage collection (which deletes unreferenced blobs), so GC in this process never sees a blob in the
/// window between the two. Across processes the grace period covers that window instead.
/// </summary>
public sealed class BlobStoreGate
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private int _waiting;

    /// <summary>Callers queued behind the holder, so a test can see that GC is waiting instead of guessing with a sleep.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _semaphore.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return new Release(_semaphore);
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) semaphore.Release();
        }
    }
}
