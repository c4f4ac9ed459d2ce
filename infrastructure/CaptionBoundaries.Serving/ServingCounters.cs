using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Serving;

/// <summary>Thread-safe counters shared by a cache and the versions it holds.</summary>
internal sealed class ServingCounters
{
    private long _requests;
    private long _forwardPasses;
    private int _largestBatch;
    private long _loaded;
    private long _disposed;

    public void Batch(int size)
    {
        Interlocked.Add(ref _requests, size);
        Interlocked.Increment(ref _forwardPasses);
        var seen = Volatile.Read(ref _largestBatch);
        while (size > seen)
        {
            var was = Interlocked.CompareExchange(ref _largestBatch, size, seen);
            if (was == seen) break;
            seen = was;
        }
    }

    public void Loaded() => Interlocked.Increment(ref _loaded);

    public void Disposed() => Interlocked.Increment(ref _disposed);

    public ServingStatistics Snapshot(int inMemory) => new(
        Interlocked.Read(ref _requests), Interlocked.Read(ref _forwardPasses), Volatile.Read(ref _largestBatch),
        Interlocked.Read(ref _loaded), Interlocked.Read(ref _disposed), inMemory);
}
