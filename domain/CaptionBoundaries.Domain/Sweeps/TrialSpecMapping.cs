using System.Globalization;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Turns a trial's parameters into the experiment it runs: names of training settings (the recipe's included) set those
/// settings, every other name is a model config entry of the architecture (so a misspelt key must be refused before the
/// sweep starts).
/// </summary>
public static class TrialSpecMapping
{
    /// <summary>The training recipe's fields, by their request names, and which of them take a name rather than a number.</summary>
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>?> RecipeFields = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.Ordinal)
    {
        ["lr_schedule"] = LearningRateSchedule.All,
        ["warmup_steps"] = null,
        ["lr_step_epochs"] = null,
        ["lr_gamma"] = null,
        ["early_stopping_patience"] = null,
        ["early_stopping_min_delta"] = null,
        ["grad_clip_norm"] = null,
        ["class_weighting"] = ClassWeights.All,
        ["label_smoothing"] = null,
        ["grad_accumulation_steps"] = null,
        ["mixed_precision"] = MixedPrecision.All,
        ["log_every_n_steps"] = null,
    };

    public static readonly IReadOnlySet<string> SpecFields = new HashSet<string>(
        ["lr", "learning_rate", "batch_size", "epochs", "weight_decay", "seed", "image_size", "augmentation", "embedder", .. RecipeFields.Keys],
        StringComparer.Ordinal);

    private static readonly IReadOnlySet<string> NamedFields = new HashSet<string>(
        ["augmentation", "embedder", .. RecipeFields.Where(f => f.Value is not null).Select(f => f.Key)], StringComparer.Ordinal);

    /// <summary>
    /// Swept values a trial could not even be built from: a word for a numeric setting, a number range for a named one, or
    /// a recipe name that does not exist. (Numbers out of range are the run spec's rules, checked per trial.)
    /// </summary>
    public static IEnumerable<SweepDefinitionError> ValueProblems(SweepDefinition definition)
    {
        foreach (var p in definition.Parameters.Where(p => SpecFields.Contains(p.Name)))
        {
            var named = NamedFields.Contains(p.Name);
            if (!p.IsEnumerable)
            {
                if (named) yield return new($"parameters.{p.Name}", $"'{p.Name}' takes a name, so it is swept with values (or value), not a numeric range");
                continue;
            }
            for (var i = 0; i < p.Values.Count; i++)
            {
                var at = p.Kind == ParameterKind.Fixed ? $"parameters.{p.Name}.value" : $"parameters.{p.Name}.values[{i}]";
                var value = p.Values[i];
                if (!named && value is not (long or int or double))
                    yield return new(at, $"'{p.Name}' must be a number, got '{ParameterText.Format(value)}'");
                else if (RecipeFields.GetValueOrDefault(p.Name) is { } allowed && !allowed.Contains(ParameterText.Format(value)))
                    yield return new(at, $"'{p.Name}' must be one of {string.Join(", ", allowed)}, got '{ParameterText.Format(value)}'");
            }
        }
    }

    /// <summary>The swept names that are neither training settings nor keys of the architecture's config, with why.</summary>
    public static IEnumerable<SweepDefinitionError> UnknownConfigKeys(SweepDefinition definition, ModelConfig defaults, string architecture) =>
        definition.Parameters
            .Where(p => !SpecFields.Contains(p.Name) && !defaults.Values.ContainsKey(p.Name))
            .Select(p => new SweepDefinitionError($"parameters.{p.Name}",
                $"'{p.Name}' is neither a training setting ({string.Join(", ", SpecFields)}) nor a model config key of " +
                $"'{architecture}' ({string.Join(", ", defaults.Values.Keys)})"));

    /// <summary>The name of a trial's experiment, e.g. <c>grid-lr-trial-3</c>.</summary>
    public static string TrialName(string sweep, int number) => $"{sweep}-trial-{number}";

    public static RunSpec Apply(RunSpec baseSpec, IReadOnlyDictionary<string, object> parameters, string name)
    {
        var config = new Dictionary<string, string>(baseSpec.ModelConfig);
        var spec = baseSpec with { Name = name, ModelConfig = config };
        foreach (var (key, value) in parameters)
        {
            spec = key switch
            {
                "lr" or "learning_rate" => spec with { LearningRate = Convert.ToDouble(value, CultureInfo.InvariantCulture) },
                "batch_size" => spec with { BatchSize = Convert.ToInt32(value, CultureInfo.InvariantCulture) },
                "epochs" => spec with { Epochs = Convert.ToInt32(value, CultureInfo.InvariantCulture) },
                "weight_decay" => spec with { WeightDecay = Convert.ToDouble(value, CultureInfo.InvariantCulture) },
                "seed" => spec with { Seed = Convert.ToInt32(value, CultureInfo.InvariantCulture) },
                "image_size" => spec with { ImageHeight = Convert.ToInt32(value, CultureInfo.InvariantCulture), ImageWidth = Convert.ToInt32(value, CultureInfo.InvariantCulture) },
                "augmentation" => spec with { Augmentation = ParameterText.Format(value) },
                "embedder" => spec with { Embedder = ParameterText.Format(value) },
                _ when RecipeFields.ContainsKey(key) => spec with { Recipe = ApplyRecipe(spec.Recipe, key, value) },
                _ => spec,
            };
            if (!SpecFields.Contains(key)) config[key] = ParameterText.Format(value);
        }
        return spec;
    }

    private static TrainingRecipe ApplyRecipe(TrainingRecipe recipe, string key, object value)
    {
        int Int() => Convert.ToInt32(value, CultureInfo.InvariantCulture);
        double Number() => Convert.ToDouble(value, CultureInfo.InvariantCulture);
        return key switch
        {
            "lr_schedule" => recipe with { LrSchedule = ParameterText.Format(value) },
            "warmup_steps" => recipe with { WarmupSteps = Int() },
            "lr_step_epochs" => recipe with { LrStepEpochs = Int() },
            "lr_gamma" => recipe with { LrGamma = Number() },
            "early_stopping_patience" => recipe with { EarlyStoppingPatience = Int() },
            "early_stopping_min_delta" => recipe with { EarlyStoppingMinDelta = Number() },
            "grad_clip_norm" => recipe with { GradClipNorm = Number() },
            "class_weighting" => recipe with { ClassWeighting = ParameterText.Format(value) },
            "label_smoothing" => recipe with { LabelSmoothing = Number() },
            "grad_accumulation_steps" => recipe with { GradAccumulationSteps = Int() },
            "mixed_precision" => recipe with { MixedPrecision = ParameterText.Format(value) },
            "log_every_n_steps" => recipe with { LogEveryNSteps = Int() },
            _ => recipe,
        };
    }
}
