namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// The mean train loss over the optimiser steps since the last report, logged every
/// <see cref="TrainingRecipe.LogEveryNSteps"/> steps (and at the run's last step). <paramref name="Step"/> is the global
/// optimiser step, 1-based and counted across epochs; <paramref name="LearningRate"/> is the optimiser's rate at that step;
/// <paramref name="GradNorm"/> the total gradient norm of that step before clipping and <paramref name="ClippedGradNorm"/>
/// after it (measured again on the clipped gradients; null without clipping).
/// </summary>
public sealed record StepLoss(
    long Step,
    int Epoch,
    double Loss,
    double LearningRate,
    double GradNorm,
    double? ClippedGradNorm,
    long TimestampMs)
{
    /// <summary>The metric key the series is recorded under (a run metric, like an MLflow client's).</summary>
    public const string MetricKey = "train_loss_step";
}

/// <summary>Step losses of one run, as they are sent live to its experiment grain and observers.</summary>
public sealed record StepLosses(Guid ExperimentId, IReadOnlyList<StepLoss> Points);
