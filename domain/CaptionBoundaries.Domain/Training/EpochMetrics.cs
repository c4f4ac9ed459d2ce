namespace CaptionBoundaries.Domain.Training;

/// <summary>One epoch of a run, as the trainer reports it and the tracking store and live views show it.</summary>
public sealed record EpochMetrics(
    Guid ExperimentId,
    int Epoch,
    double TrainLoss,
    double ValLoss,
    double ValAccuracy,
    double ValMacroF1,
    double[] PerClassF1)
{
    /// <summary>An epoch as the trainer recorded it, for the experiment grain and live views.</summary>
    public static EpochMetrics Of(Guid experimentId, EpochResult epoch) => new(
        experimentId, epoch.Epoch, epoch.TrainLoss, epoch.ValLoss, epoch.Validation.Accuracy, epoch.Validation.MacroF1,
        epoch.Validation.PerClassF1ByName().Values.ToArray());
}
