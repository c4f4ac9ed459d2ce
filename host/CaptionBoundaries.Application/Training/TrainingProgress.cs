namespace CaptionBoundaries.Application.Training;

/// <summary>A step of a run, for progress bars and live views.</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double RunningLoss);

/// <summary>One finished epoch.</summary>
public sealed record EpochResult(
    int Epoch,
    double TrainLoss,
    double ValLoss,
    ClassificationMetrics Validation,
    double DurationSeconds,
    bool IsBest);
