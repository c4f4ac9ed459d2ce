namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// One implementation found in a plugin assembly, before duplicate names across plugins are resolved.
/// <see cref="Entry"/> is the <see cref="ArchitectureEntry"/>, <see cref="EmbedderEntry"/> or <see cref="AugmentationEntry"/>.
/// </summary>
internal sealed record DiscoveredPlugin(PluginKind Kind, string Name, string TypeName, string PluginFile, object Entry);
