namespace CaptionBoundaries.Domain.Plugins;

/// <summary>The three plugin contracts the registry knows; names are unique within a kind.</summary>
public enum PluginKind
{
    Architecture,
    Embedder,
    Augmentation,
}
