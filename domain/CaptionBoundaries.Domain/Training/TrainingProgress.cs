namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// A step of a run, for progress bars and live views. <paramref name="StepSeconds"/> is the wall time of the step itself
/// (augmentation, forward, loss, backward, optimizer step, reading the loss), not of assembling its batch before it.
/// </summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double RunningLoss, double StepSeconds = 0);

/// <summary>One finished epoch.</summary>
public sealed record EpochResult(
    int Epoch,
    double TrainLoss,
    double ValLoss,
    ClassificationMetrics Validation,
    double DurationSeconds,
    bool IsBest);
