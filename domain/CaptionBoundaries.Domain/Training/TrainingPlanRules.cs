using FluentValidation;


namespace CaptionBoundaries.Domain.Training;

/// <summary>The checks on a multi-stage plan, each error under the path of the field ("stages[1].lr").</summary>
public static class TrainingPlanRules
{
    public const int MaxStages = 20;

    public static void Check(IReadOnlyList<TrainingStage> stages, ValidationContext<RunSpec> context)
    {
        if (stages.Count > MaxStages) context.AddFailure("stages", $"A plan has at most {MaxStages} stages; this one has {stages.Count}.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            var at = $"stages[{i}]";
            if (string.IsNullOrWhiteSpace(stage.Name)) context.AddFailure($"{at}.name", "Every stage needs a name.");
            else if (!names.Add(stage.Name)) context.AddFailure($"{at}.name", $"Stage name '{stage.Name}' is used twice.");
            if (stage.Epochs is < 1 or > 10_000) context.AddFailure($"{at}.epochs", $"Epochs must be between 1 and 10000; got {stage.Epochs}.");
            if (stage.LearningRate is { } lr && (lr <= 0 || lr > 10)) context.AddFailure($"{at}.lr", $"The learning rate must be in (0, 10]; got {lr}.");
            if (stage.WeightDecay is { } wd && (wd < 0 || wd > 1)) context.AddFailure($"{at}.weight_decay", $"Weight decay must be in [0, 1]; got {wd}.");
            if (stage.BatchSize is { } b && (b < 1 || b > 4096)) context.AddFailure($"{at}.batch_size", $"The batch size must be between 1 and 4096; got {b}.");
            foreach (var pattern in stage.Freeze.Concat(stage.Unfreeze))
                if (string.IsNullOrWhiteSpace(pattern)) context.AddFailure($"{at}.freeze", "Freeze/unfreeze patterns cannot be empty.");
        }
    }
}
