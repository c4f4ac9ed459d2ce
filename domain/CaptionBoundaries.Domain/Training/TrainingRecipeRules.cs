using FluentValidation;

namespace CaptionBoundaries.Domain.Training;

/// <summary>The checks on a run's <see cref="TrainingRecipe"/>, each error under its request field name ("lr_schedule").</summary>
public static class TrainingRecipeRules
{
    public const int MaxWarmupSteps = 1_000_000;
    public const int MaxPatience = 10_000;
    public const int MaxAccumulationSteps = 1024;
    public const int MaxLogEveryNSteps = 1_000_000;

    public static void Check(TrainingRecipe? recipe, ValidationContext<RunSpec> context)
    {
        if (recipe is null)
        {
            context.AddFailure("recipe", "The training recipe cannot be null.");
            return;
        }
        if (!LearningRateSchedule.All.Contains(recipe.LrSchedule))
            context.AddFailure("lr_schedule", $"The learning-rate schedule must be one of {string.Join(", ", LearningRateSchedule.All)}; got '{recipe.LrSchedule}'.");
        if (recipe.WarmupSteps is < 0 or > MaxWarmupSteps)
            context.AddFailure("warmup_steps", $"Warm-up steps must be between 0 and {MaxWarmupSteps}; got {recipe.WarmupSteps}.");
        else if (recipe.WarmupSteps > 0 && recipe.LrSchedule == LearningRateSchedule.OneCycle)
            context.AddFailure("warmup_steps", "one_cycle warms up by itself (the first 30% of its steps); leave warmup_steps at 0 with it.");
        if (recipe.LrStepEpochs is < 1 or > 10_000)
            context.AddFailure("lr_step_epochs", $"lr_step_epochs must be between 1 and 10000; got {recipe.LrStepEpochs}.");
        if (!(recipe.LrGamma > 0 && recipe.LrGamma <= 1))
            context.AddFailure("lr_gamma", $"lr_gamma must be in (0, 1]; got {recipe.LrGamma}.");
        if (recipe.EarlyStoppingPatience is < 0 or > MaxPatience)
            context.AddFailure("early_stopping_patience", $"Early-stopping patience must be between 0 (off) and {MaxPatience} epochs; got {recipe.EarlyStoppingPatience}.");
        if (!(recipe.EarlyStoppingMinDelta >= 0 && recipe.EarlyStoppingMinDelta < 1))
            context.AddFailure("early_stopping_min_delta", $"early_stopping_min_delta is a macro-F1 difference in [0, 1); got {recipe.EarlyStoppingMinDelta}.");
        if (!(recipe.GradClipNorm >= 0 && recipe.GradClipNorm <= 1e6))
            context.AddFailure("grad_clip_norm", $"grad_clip_norm must be 0 (off) or a positive norm up to 1e6; got {recipe.GradClipNorm}.");
        if (!ClassWeights.All.Contains(recipe.ClassWeighting))
            context.AddFailure("class_weighting", $"class_weighting must be one of {string.Join(", ", ClassWeights.All)}; got '{recipe.ClassWeighting}'.");
        if (!(recipe.LabelSmoothing >= 0 && recipe.LabelSmoothing < 1))
            context.AddFailure("label_smoothing", $"label_smoothing must be in [0, 1); got {recipe.LabelSmoothing}.");
        if (recipe.GradAccumulationSteps is < 1 or > MaxAccumulationSteps)
            context.AddFailure("grad_accumulation_steps", $"grad_accumulation_steps must be between 1 and {MaxAccumulationSteps}; got {recipe.GradAccumulationSteps}.");
        if (!MixedPrecision.All.Contains(recipe.MixedPrecision))
            context.AddFailure("mixed_precision", $"mixed_precision must be one of {string.Join(", ", MixedPrecision.All)}; got '{recipe.MixedPrecision}'.");
        if (recipe.LogEveryNSteps is < 1 or > MaxLogEveryNSteps)
            context.AddFailure("log_every_n_steps", $"log_every_n_steps must be between 1 and {MaxLogEveryNSteps}; got {recipe.LogEveryNSteps}.");
    }
}
