using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// A run's model config judged as its architecture would judge it, without building the module: keys the architecture
/// does not know, then the values, through <see cref="IChecksModelConfig"/> where the architecture offers it. The
/// pretrained weights path is left out (blanked): which files a caller may name is the platform's path rule.
/// </summary>
public static class ModelConfigCheck
{
    /// <summary>The first problem, naming its key, or null for a config the architecture accepts (or cannot say).</summary>
    public static ModelConfigException? Problem(IModelArchitecture architecture, string architectureName, IReadOnlyDictionary<string, string> overrides)
    {
        try
        {
            var config = architecture.DefaultConfig.MergeOverrides(overrides, architectureName);
            if (architecture is IChecksModelConfig checks) checks.CheckConfig(WithoutPretrainedWeights(config));
            return null;
        }
        catch (ModelConfigException e)
        {
            return e;
        }
    }

    public static ModelConfig WithoutPretrainedWeights(ModelConfig config) => new(config.Values.Select(v =>
        v.Key == PretrainedWeights.ConfigKey ? new KeyValuePair<string, string>(v.Key, "") : v));
}
