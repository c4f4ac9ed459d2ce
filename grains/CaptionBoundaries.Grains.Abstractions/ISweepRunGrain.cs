using CaptionBoundaries.Domain.Training;
namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>
/// The sweep grain's side facing its own trials. Not for clients: the experiment observer callbacks are one-way and
/// synchronous, so the sweep forwards them to itself through these calls and handles each on a turn of its own.
/// </summary>
public interface ISweepRunGrain : IGrainWithGuidKey
{
    Task TrialEpoch(EpochMetrics metrics);

    Task TrialChanged(ExperimentInfo info);
}
