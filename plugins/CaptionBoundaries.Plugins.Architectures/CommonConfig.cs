using System.Globalization;
using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>The config keys every ResNet-50 architecture here understands, read through the typed getters so errors name the key.</summary>
internal static class CommonConfig
{
    public const string Dropout = "dropout";
    public const double DefaultDropout = 0.2;
    public const double MaxDropout = 0.9;

    public static IEnumerable<(string Key, string Value)> Defaults() =>
    [
        (PretrainedWeights.ConfigKey, ""),
        (Dropout, DefaultDropout.ToString(CultureInfo.InvariantCulture)),
    ];

    public static double ReadDropout(ModelConfig config) => config.GetDouble(Dropout, 0, MaxDropout);

    /// <summary>Null when no weights are configured; a configured path that does not exist throws naming the file.</summary>
    public static string? ReadPretrainedPath(ModelConfig config) => config.GetExistingFileOrNull(PretrainedWeights.ConfigKey);
}
