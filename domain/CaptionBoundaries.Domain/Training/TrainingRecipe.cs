using System.Globalization;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// How a native run trains beyond its optimiser basics: the learning-rate schedule and its warm-up, early stopping, gradient
/// clipping, the loss (class weights, label smoothing), gradient accumulation, mixed precision and how often the train loss
/// is logged per step. The defaults are the plain loop (constant rate, no early stop, no clipping, plain cross-entropy,
/// one batch per step), so a spec that says nothing trains exactly as before. Every stage of a plan uses the run's recipe.
/// </summary>
public sealed record TrainingRecipe
{
    public static readonly TrainingRecipe Default = new();

    /// <summary>constant, cosine, step or one_cycle (see <see cref="LearningRateSchedule"/>).</summary>
    public string LrSchedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Optimiser steps of linear warm-up from 0 to the learning rate, before the schedule.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Step schedule: the rate is multiplied by <see cref="LrGamma"/> every this many epochs.</summary>
    public int LrStepEpochs { get; init; } = 10;

    public double LrGamma { get; init; } = 0.1;

    /// <summary>Epochs without val macro-F1 improving by more than <see cref="EarlyStoppingMinDelta"/> before the run stops; 0 = never.</summary>
    public int EarlyStoppingPatience { get; init; }

    public double EarlyStoppingMinDelta { get; init; }

    /// <summary>The largest total L2 norm of the trainable parameters' gradients at a step; 0 = no clipping.</summary>
    public double GradClipNorm { get; init; }

    /// <summary>none, or balanced (each class weighted by the inverse of its share of the train split).</summary>
    public string ClassWeighting { get; init; } = ClassWeights.None;

    /// <summary>Label smoothing of the cross-entropy, in [0, 1).</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Batches whose gradients add up to one optimiser step: the effective batch is batch_size times this.</summary>
    public int GradAccumulationSteps { get; init; } = 1;

    /// <summary>auto (on where the device supports it) or off; what a run actually used is recorded as mixed_precision_effective.</summary>
    public string MixedPrecision { get; init; } = Training.MixedPrecision.Auto;

    /// <summary>The mean train loss is recorded every this many optimiser steps (key train_loss_step).</summary>
    public int LogEveryNSteps { get; init; } = 10;

    /// <summary>The recipe as recorded with the run's hyperparameters (and every checkpoint's), by its request field names.</summary>
    public void AddTo(IDictionary<string, string> values)
    {
        values["lr_schedule"] = LrSchedule;
        values["warmup_steps"] = Text(WarmupSteps);
        values["lr_step_epochs"] = Text(LrStepEpochs);
        values["lr_gamma"] = Text(LrGamma);
        values["early_stopping_patience"] = Text(EarlyStoppingPatience);
        values["early_stopping_min_delta"] = Text(EarlyStoppingMinDelta);
        values["grad_clip_norm"] = Text(GradClipNorm);
        values["class_weighting"] = ClassWeighting;
        values["label_smoothing"] = Text(LabelSmoothing);
        values["grad_accumulation_steps"] = Text(GradAccumulationSteps);
        values["mixed_precision"] = MixedPrecision;
        values["log_every_n_steps"] = Text(LogEveryNSteps);
    }

    /// <summary>The recipe a run was recorded with (to resume it); a key the record lacks (an older run) takes the default.</summary>
    public static TrainingRecipe From(IReadOnlyDictionary<string, string> recorded)
    {
        var d = Default;
        string S(string key, string fallback) => recorded.TryGetValue(key, out var v) ? v : fallback;
        double N(string key, double fallback) =>
            recorded.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : fallback;
        return new TrainingRecipe
        {
            LrSchedule = S("lr_schedule", d.LrSchedule),
            WarmupSteps = (int)N("warmup_steps", d.WarmupSteps),
            LrStepEpochs = (int)N("lr_step_epochs", d.LrStepEpochs),
            LrGamma = N("lr_gamma", d.LrGamma),
            EarlyStoppingPatience = (int)N("early_stopping_patience", d.EarlyStoppingPatience),
            EarlyStoppingMinDelta = N("early_stopping_min_delta", d.EarlyStoppingMinDelta),
            GradClipNorm = N("grad_clip_norm", d.GradClipNorm),
            ClassWeighting = S("class_weighting", d.ClassWeighting),
            LabelSmoothing = N("label_smoothing", d.LabelSmoothing),
            GradAccumulationSteps = (int)N("grad_accumulation_steps", d.GradAccumulationSteps),
            MixedPrecision = S("mixed_precision", d.MixedPrecision),
            LogEveryNSteps = (int)N("log_every_n_steps", d.LogEveryNSteps),
        };
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
