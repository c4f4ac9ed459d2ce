using System.Globalization;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Turns a trial's parameters into the experiment it runs: names of training settings set those settings, every other
/// name is a model config entry of the architecture (so a misspelt key must be refused before the sweep starts).
/// </summary>
public static class TrialSpecMapping
{
    public static readonly IReadOnlySet<string> SpecFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "lr", "learning_rate", "batch_size", "epochs", "weight_decay", "seed", "image_size", "augmentation", "embedder",
    };

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
                _ => spec,
            };
            if (!SpecFields.Contains(key)) config[key] = ParameterText.Format(value);
        }
        return spec;
    }
}
