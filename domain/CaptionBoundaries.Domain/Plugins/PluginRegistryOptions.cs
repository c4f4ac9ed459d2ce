namespace CaptionBoundaries.Domain.Plugins;

/// <summary>Where <see cref="PluginRegistry"/> looks for plugins and whether it follows changes there.</summary>
public sealed class PluginRegistryOptions
{
    /// <summary>One subfolder per plugin, e.g. <c>&lt;bin&gt;/plugins/&lt;ProjectName&gt;/</c>.</summary>
    public string PluginsFolder { get; set; } = "";

    /// <summary>Pick up plugins dropped in, replaced or removed while running, without a restart.</summary>
    public bool WatchForChanges { get; set; } = true;

    /// <summary>
    /// Quiet time after the last file event before rescanning or reloading: a copy raises many events and a
    /// half-written DLL would otherwise be loaded (and refused) mid-copy.
    /// </summary>
    public TimeSpan ChangeDebounce { get; set; } = TimeSpan.FromMilliseconds(400);
}
