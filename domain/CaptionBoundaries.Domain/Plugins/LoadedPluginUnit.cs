namespace CaptionBoundaries.Domain.Plugins;

/// <summary>A loaded plugin (one subfolder or loose DLL): its assemblies and its problems. Mutated only under the registry's lock.</summary>
internal sealed class LoadedPluginUnit(PluginUnitOnDisk disk, List<LoadedPluginAssembly> assemblies, List<PluginLoadError> errors)
    : IDisposable
{
    public string Key => Disk.Key;

    public PluginUnitOnDisk Disk { get; set; } = disk;

    /// <summary>The disk fingerprint this unit's registrations reflect; a mismatch on rescan means a reload was missed.</summary>
    public string LoadedFingerprint { get; set; } = disk.Fingerprint;

    public List<LoadedPluginAssembly> Assemblies { get; } = assemblies;

    /// <summary>Problems of the unit as a whole, such as a folder with no DLL in it.</summary>
    public List<PluginLoadError> Errors { get; } = errors;

    public IEnumerable<DiscoveredPlugin> Found => Assemblies.SelectMany(a => a.Found);

    /// <summary>Every error of the unit, including "no implementations" when nothing was registered and nothing failed.</summary>
    public IEnumerable<PluginLoadError> AllErrors()
    {
        var errors = Errors.Concat(Assemblies.SelectMany(a => a.Errors)).ToList();
        if (errors.Count == 0 && !Found.Any() && Assemblies.Count > 0)
        {
            var files = string.Join(", ", Assemblies.Select(a => $"'{a.File}'"));
            errors.Add(new PluginLoadError(Assemblies[0].File,
                $"Plugin {files} has no implementations: no public, non-abstract IModelArchitecture, IEmbedder or IAugmentationStrategy type with a parameterless constructor."));
        }
        return errors;
    }

    public void Dispose()
    {
        foreach (var a in Assemblies) a.Dispose();
    }
}
