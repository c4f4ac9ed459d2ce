namespace CaptionBoundaries.Domain.Training;

/// <summary>One epoch of a run, as the trainer reports it and the tracking store and live views show it.</summary>
public sealed record EpochMetrics(
    Guid ExperimentId,
    int Epoch,
    double TrainLoss,
    double ValLoss,
    double ValAccuracy,
    double ValMacroF1,
    double[] PerClassF1);
