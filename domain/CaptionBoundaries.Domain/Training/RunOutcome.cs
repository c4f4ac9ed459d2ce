using CaptionBoundaries.Domain.Tracking;

namespace CaptionBoundaries.Domain.Training;

/// <summary>How a run ended, as its training thread saw it.</summary>
public sealed record RunOutcome(
    ExperimentStatus Phase,
    double? BestValMacroF1,
    string? BestCheckpoint,
    string? FailureReason)
{
    /// <summary>The ending of a recorded run: completed, cancelled, or else failed (a run that stopped still Running or Queued did not finish).</summary>
    public static RunOutcome Of(TrainModelResult result) => new(
        result.Status is ExperimentStatus.Completed or ExperimentStatus.Cancelled ? result.Status : ExperimentStatus.Failed,
        result.BestValMacroF1, result.BestCheckpoint, result.FailureReason);
}
