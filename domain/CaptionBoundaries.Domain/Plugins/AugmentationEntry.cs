using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>A registered augmentation strategy and the plugin file and version it came from.</summary>
public sealed record AugmentationEntry(
    string Name,
    string Description,
    string PluginFile,
    string PluginVersion,
    IAugmentationStrategy Augmentation);
