using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
namespace CaptionBoundaries.Grains.Abstractions;

[GenerateSerializer, Immutable]
public sealed record ExperimentInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] ExperimentStatus Phase,
    [property: Id(3)] string? Slot,
    [property: Id(4)] int EpochsDone,
    [property: Id(5)] int Epochs,
    [property: Id(6)] double? BestValMacroF1,
    [property: Id(7)] string? BestCheckpoint,
    [property: Id(8)] string? FailureReason,
    [property: Id(9)] DateTime QueuedAtUtc,
    [property: Id(10)] DateTime? StartedAtUtc,
    [property: Id(11)] DateTime? FinishedAtUtc)
{
    [Id(12)] public string Owner { get; init; } = RunSpec.DefaultOwner;

    /// <summary>Every time an administrator took the run's slot, oldest first; empty when it never was pre-empted.</summary>
    [Id(13)] public IReadOnlyList<PreemptionRecord> Preemptions { get; init; } = [];
}

