namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>
/// One user's share of the worker slots as the scheduler sees it: runs on a slot now, runs waiting, the slot quota in
/// force (and where it comes from: "default", "configuration" or "override" set at run time) and the recent usage the
/// fair-share order compares (slot-seconds, decayed with the configured half-life, running leases included).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UserShare(
    [property: Id(0)] string User,
    [property: Id(1)] int Running,
    [property: Id(2)] int Queued,
    [property: Id(3)] int Quota,
    [property: Id(4)] string QuotaSource,
    [property: Id(5)] double RecentSlotSeconds);

/// <summary>A run waiting for a slot, in submission order, with its owner.</summary>
[GenerateSerializer, Immutable]
public sealed record QueuedRun(
    [property: Id(0)] Guid ExperimentId,
    [property: Id(1)] string Owner);
