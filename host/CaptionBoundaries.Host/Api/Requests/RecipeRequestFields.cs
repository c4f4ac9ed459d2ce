using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Host.Api.Requests;

/// <summary>
/// The training recipe as request fields (lr_schedule, warmup_steps, …), shared by the bodies that start runs. A field
/// left out takes the <see cref="TrainingRecipe"/> default; the run spec's validator judges the values.
/// </summary>
public abstract record RecipeRequestFields
{
    /// <summary>constant (default), cosine, step or one_cycle.</summary>
    public string? LrSchedule { get; init; }

    /// <summary>Optimiser steps of linear warm-up from 0 to the learning rate (not with one_cycle).</summary>
    public int? WarmupSteps { get; init; }

    /// <summary>step schedule: multiply the rate by lr_gamma every this many epochs.</summary>
    public int? LrStepEpochs { get; init; }
    public double? LrGamma { get; init; }

    /// <summary>Epochs without val macro-F1 improving by more than early_stopping_min_delta before stopping; 0 = off.</summary>
    public int? EarlyStoppingPatience { get; init; }
    public double? EarlyStoppingMinDelta { get; init; }

    /// <summary>Largest total gradient L2 norm per step; 0 = no clipping.</summary>
    public double? GradClipNorm { get; init; }

    /// <summary>none (default) or balanced.</summary>
    public string? ClassWeighting { get; init; }
    public double? LabelSmoothing { get; init; }

    /// <summary>Batches per optimiser step (effective batch = batch_size times this).</summary>
    public int? GradAccumulationSteps { get; init; }

    /// <summary>auto (default; on only where the device supports it) or off.</summary>
    public string? MixedPrecision { get; init; }

    /// <summary>Record the mean train loss every this many optimiser steps (default 10).</summary>
    public int? LogEveryNSteps { get; init; }

    public TrainingRecipe ToRecipe()
    {
        var d = TrainingRecipe.Default;
        return new TrainingRecipe
        {
            LrSchedule = LrSchedule ?? d.LrSchedule,
            WarmupSteps = WarmupSteps ?? d.WarmupSteps,
            LrStepEpochs = LrStepEpochs ?? d.LrStepEpochs,
            LrGamma = LrGamma ?? d.LrGamma,
            EarlyStoppingPatience = EarlyStoppingPatience ?? d.EarlyStoppingPatience,
            EarlyStoppingMinDelta = EarlyStoppingMinDelta ?? d.EarlyStoppingMinDelta,
            GradClipNorm = GradClipNorm ?? d.GradClipNorm,
            ClassWeighting = ClassWeighting ?? d.ClassWeighting,
            LabelSmoothing = LabelSmoothing ?? d.LabelSmoothing,
            GradAccumulationSteps = GradAccumulationSteps ?? d.GradAccumulationSteps,
            MixedPrecision = MixedPrecision ?? d.MixedPrecision,
            LogEveryNSteps = LogEveryNSteps ?? d.LogEveryNSteps,
        };
    }
}
