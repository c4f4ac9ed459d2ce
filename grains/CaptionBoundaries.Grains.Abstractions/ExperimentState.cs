namespace CaptionBoundaries.Grains;

/// <summary>
/// Lifecycle: Queued -> Running -> Completed | Failed | Cancelled (Queued -> Cancelled too). A pre-empted run goes
/// Running -> Queued again (its <see cref="ExperimentInfo.Preemptions"/> say when and why) and resumes from its checkpoint.
/// </summary>
[GenerateSerializer]
public enum ExperimentPhase
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

[GenerateSerializer, Immutable]
public sealed record ExperimentInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] ExperimentPhase Phase,
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
    [Id(12)] public string Owner { get; init; } = ExperimentSpec.DefaultOwner;

    /// <summary>Every time an administrator took the run's slot, oldest first; empty when it never was pre-empted.</summary>
    [Id(13)] public IReadOnlyList<PreemptionRecord> Preemptions { get; init; } = [];
}

[GenerateSerializer, Immutable]
public sealed record EpochMetrics(
    [property: Id(0)] Guid ExperimentId,
    [property: Id(1)] int Epoch,
    [property: Id(2)] double TrainLoss,
    [property: Id(3)] double ValLoss,
    [property: Id(4)] double ValAccuracy,
    [property: Id(5)] double ValMacroF1,
    [property: Id(6)] double[] PerClassF1);
