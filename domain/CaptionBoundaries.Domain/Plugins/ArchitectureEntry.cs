using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>A registered architecture and the plugin file and version it came from (recorded with experiments).</summary>
public sealed record ArchitectureEntry(
    string Name,
    string Description,
    string PluginFile,
    string PluginVersion,
    IModelArchitecture Architecture);
