using CaptionBoundaries.Domain.Training;
namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>Running -> Completed (sampler exhausted or run cap reached) | Cancelled; Running <-> Paused.</summary>
[GenerateSerializer]
public enum SweepPhase
{
    Running,
    Paused,
    Completed,
    Cancelled,
}

/// <summary>
/// A trial as the sweep sees it. Stopped is a trial the early-termination scheduler cut short (its reason in
/// <see cref="TrialInfo.StopReason"/>); Cancelled is one the user's sweep cancel ended.
/// </summary>
[GenerateSerializer]
public enum TrialStatus
{
    Queued,
    Running,
    Completed,
    Stopped,
    Failed,
    Cancelled,
}

[GenerateSerializer, Immutable]
public sealed record TrialInfo(
    [property: Id(0)] int Number,
    [property: Id(1)] Guid ExperimentId,
    [property: Id(2)] IReadOnlyDictionary<string, string> Parameters,
    [property: Id(3)] TrialStatus Status,
    [property: Id(4)] int EpochsDone,
    [property: Id(5)] double? Metric,
    [property: Id(6)] string? Reason);

/// <summary>A sweep's state and every trial; <see cref="Definition"/> is the definition as written (YAML or JSON text).</summary>
[GenerateSerializer, Immutable]
public sealed record SweepInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Method,
    [property: Id(3)] string MetricName,
    [property: Id(4)] string MetricGoal,
    [property: Id(5)] SweepPhase Phase,
    [property: Id(6)] int? RunCap,
    [property: Id(7)] IReadOnlyList<TrialInfo> Trials,
    [property: Id(8)] int? BestTrial,
    [property: Id(9)] string Definition = "",
    [property: Id(10)] string Owner = RunSpec.DefaultOwner);
