namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// Who watches a run while it trains: a progress bar (steps), live views (each recorded epoch) and the per-step loss
/// series (each batch of points once it is recorded). Any may be absent.
/// </summary>
public sealed record RunObservers(IProgress<TrainingProgress>? Progress = null, Action<EpochResult>? OnEpoch = null)
{
    public static readonly RunObservers None = new();

    /// <summary>Step losses, handed over in the batches the tracking store records them in.</summary>
    public Action<IReadOnlyList<StepLoss>>? OnSteps { get; init; }
}
