using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Serving;

/// <summary>
/// Counters of one silo's model cache since start: with batching, <see cref="ForwardPasses"/> stays below
/// <see cref="Requests"/> under concurrent load.
/// </summary>
public sealed record ServingStatistics(
    long Requests,
    long ForwardPasses,
    int LargestBatch,
    long VersionsLoaded,
    long VersionsDisposed,
    int VersionsInMemory);
