namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>
/// One pre-emption of a running experiment: who took its slot and why, when, how many epochs it had finished, and the
/// checkpoint it resumes from (null: no epoch had finished, so it starts over, or a multi-stage plan, which resumes its
/// unfinished stage from that stage's own checkpoint).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PreemptionRecord(
    [property: Id(0)] string By,
    [property: Id(1)] string Reason,
    [property: Id(2)] DateTime AtUtc,
    [property: Id(3)] string? Slot,
    [property: Id(4)] int EpochsDone,
    [property: Id(5)] int? CheckpointEpoch,
    [property: Id(6)] string? ResumeFrom);
