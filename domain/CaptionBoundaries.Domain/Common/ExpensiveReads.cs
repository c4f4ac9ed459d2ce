using Microsoft.Extensions.Caching.Memory;

namespace CaptionBoundaries.Domain.Common;

/// <summary>
/// A gate for reads that cost seconds of CPU and hundreds of MB (Grad-CAM over a run's validation split, a benchmark):
/// at most <see cref="LimitsOptions.ExpensiveReadsConcurrency"/> run at once, a bounded number wait, the rest are told
/// to come back (<see cref="ServerBusyException"/>), and a result asked for again is answered from memory. Without it
/// one viewer reloading a confusion cell recomputed predictions over the whole dataset on every call.
/// </summary>
public sealed class ExpensiveReads(LimitsOptions options) : IDisposable
{
    private readonly SemaphoreSlim _running = new(Math.Max(1, options.ExpensiveReadsConcurrency));
    private readonly MemoryCache _results = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.ExpensiveReadsCacheEntries) });
    private int _admitted;

    /// <summary>Results kept for this long after their last use.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(30);

    public long Computed => Interlocked.Read(ref _computed);
    private long _computed;

    /// <param name="key">Everything the result depends on (e.g. run, checkpoint hash, page); null: never cached.</param>
    public async Task<T> RunAsync<T>(string? key, Func<CancellationToken, Task<T>> compute, CancellationToken ct)
    {
        if (key is not null && _results.TryGetValue(key, out T? hit)) return hit!;
        var capacity = Math.Max(1, options.ExpensiveReadsConcurrency) + Math.Max(0, options.ExpensiveReadsQueue);
        if (Interlocked.Increment(ref _admitted) > capacity)
        {
            Interlocked.Decrement(ref _admitted);
            throw new ServerBusyException($"This node is already computing or queueing {capacity} explanations or benchmarks; retry shortly.");
        }
        try
        {
            await _running.WaitAsync(ct);
            try
            {
                // Someone else may have computed it while this request waited.
                if (key is not null && _results.TryGetValue(key, out hit)) return hit!;
                var value = await compute(ct);
                Interlocked.Increment(ref _computed);
                if (key is not null) _results.Set(key, value, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = KeepFor });
                return value;
            }
            finally
            {
                _running.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    public void Dispose()
    {
        _running.Dispose();
        _results.Dispose();
    }
}
