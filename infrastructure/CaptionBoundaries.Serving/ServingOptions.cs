using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Serving;

/// <summary>How long a version's batcher waits for company, how many requests one forward pass may take, and how much shadow work may wait.</summary>
public sealed record ServingOptions
{
    /// <summary>After the first request of a batch arrives, wait at most this long for more.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(5);

    public int MaxBatchSize { get; init; } = 16;

    /// <summary>Shadow copies of requests that may wait per model on this node; a copy past it is dropped (and counted), never waited for.</summary>
    public int ShadowQueueCapacity { get; init; } = 32;

    /// <summary>
    /// Shadow copies of one model computed at once on this node (taken together, so they share forward passes). The
    /// bound on what a shadow takes from production: more keeps up with more traffic, fewer leaves more CPU to production
    /// (the copies past the queue are dropped and counted; docs/traffic-split.md has measurements).
    /// </summary>
    public int ShadowMaxInFlight { get; init; } = 4;

    /// <summary>Input bytes the shadow copies of one model may hold on this node (waiting or computing); a copy past it is dropped.</summary>
    public long ShadowMaxPendingBytes { get; init; } = 64L * 1024 * 1024;

    public void Validate()
    {
        if (BatchWindow < TimeSpan.Zero || BatchWindow > TimeSpan.FromSeconds(1))
            throw new ArgumentException($"BatchWindow must be between 0 and 1 s, got {BatchWindow.TotalMilliseconds} ms.");
        if (MaxBatchSize is < 1 or > 1024)
            throw new ArgumentException($"MaxBatchSize must be between 1 and 1024, got {MaxBatchSize}.");
        if (ShadowQueueCapacity is < 1 or > 100_000)
            throw new ArgumentException($"ShadowQueueCapacity must be between 1 and 100000, got {ShadowQueueCapacity}.");
        if (ShadowMaxInFlight is < 1 or > 1024)
            throw new ArgumentException($"ShadowMaxInFlight must be between 1 and 1024, got {ShadowMaxInFlight}.");
        if (ShadowMaxPendingBytes < 1)
            throw new ArgumentException($"ShadowMaxPendingBytes must be positive, got {ShadowMaxPendingBytes}.");
    }
}
