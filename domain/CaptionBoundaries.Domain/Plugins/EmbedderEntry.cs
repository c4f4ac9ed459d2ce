using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>A registered embedder; <see cref="Version"/> is the embedder's own output version, not the plugin's.</summary>
public sealed record EmbedderEntry(
    string Name,
    string Version,
    int OutputDimension,
    string PluginFile,
    string PluginVersion,
    IEmbedder Embedder);
