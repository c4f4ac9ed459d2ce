using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>Wording used in error messages, so every message names a kind the same way.</summary>
internal static class PluginKindText
{
    public static string Singular(this PluginKind kind) => kind switch
    {
        PluginKind.Architecture => "architecture",
        PluginKind.Embedder => "embedder",
        PluginKind.Augmentation => "augmentation",
        _ => kind.ToString(),
    };

    public static string Plural(this PluginKind kind) => kind.Singular() + "s";

    public static string ContractName(this PluginKind kind) => kind switch
    {
        PluginKind.Architecture => nameof(IModelArchitecture),
        PluginKind.Embedder => nameof(IEmbedder),
        PluginKind.Augmentation => nameof(IAugmentationStrategy),
        _ => kind.ToString(),
    };
}
