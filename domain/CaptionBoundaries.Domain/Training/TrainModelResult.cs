using CaptionBoundaries.Domain.Tracking;

namespace CaptionBoundaries.Domain.Training;

/// <summary>How a run ended, as the tracking store recorded it.</summary>
public sealed record TrainModelResult(
    Guid ExperimentId,
    ExperimentStatus Status,
    double? BestValMacroF1,
    int? BestEpoch,
    string? BestCheckpoint,
    string? LastCheckpoint,
    string? FailureReason);
