using McMaster.NETCore.Plugins;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// One plugin assembly in its own collectible load context, with what it registered the last time it was
/// (re)loaded. Mutated only under the registry's lock.
/// </summary>
internal sealed class LoadedPluginAssembly(string file, PluginLoader? loader) : IDisposable
{
    public string File { get; } = file;

    public PluginLoader? Loader { get; } = loader;

    public List<DiscoveredPlugin> Found { get; private set; } = [];

    public List<PluginLoadError> Errors { get; private set; } = [];

    /// <summary>(Re)reads the assembly from the loader's current context; called after load and after each hot reload.</summary>
    public void Scan()
    {
        Found = [];
        Errors = [];
        if (Loader is null) return;
        try
        {
            var assembly = Loader.LoadDefaultAssembly();
            (Found, Errors) = PluginAssemblyScanner.Scan(assembly, File);
        }
        catch (Exception e)
        {
            Errors = [new PluginLoadError(File, $"Plugin '{File}' could not be loaded: {PluginAssemblyScanner.Describe(e)}")];
        }
    }

    public void Dispose() => Loader?.Dispose();
}
