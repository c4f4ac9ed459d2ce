namespace CaptionBoundaries.Domain.Training;

/// <summary>Who watches a run while it trains: a progress bar (steps) and live views (each recorded epoch). Either may be absent.</summary>
public sealed record RunObservers(IProgress<TrainingProgress>? Progress = null, Action<EpochResult>? OnEpoch = null)
{
    public static readonly RunObservers None = new();
}
