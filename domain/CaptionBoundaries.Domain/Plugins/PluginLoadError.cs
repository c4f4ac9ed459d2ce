namespace CaptionBoundaries.Domain.Plugins;

/// <summary>Why a plugin file (or one of its types) was not registered. <see cref="Message"/> names the file.</summary>
public sealed record PluginLoadError(string File, string Message);
