using CaptionBoundaries.Domain.Training;
namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>
/// A hyperparameter sweep (key: its id). Keeps as many trials in flight as the cluster has worker slots, each trial an
/// experiment; early-stops trials by their epoch metrics and asks the sampler for the next parameters as trials end.
/// </summary>
public interface ISweepGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Starts the sweep from its definition (YAML or JSON text) and the spec that fixes everything the definition does
    /// not sweep (dataset, architecture, image size…). Refused input is a <see cref="Domain.Errors.DomainException"/> naming the
    /// field; starting twice is a no-op.
    /// </summary>
    Task<SweepInfo> Start(string definition, RunSpec baseSpec);

    /// <summary>No new trials are launched; running ones finish.</summary>
    Task<SweepInfo> Pause();

    Task<SweepInfo> Resume();

    /// <summary>Cancels every running trial and launches no more.</summary>
    Task<SweepInfo> Cancel();

    Task<SweepInfo> GetStatus();
}
