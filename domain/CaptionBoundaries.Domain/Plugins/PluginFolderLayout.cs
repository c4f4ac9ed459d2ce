using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// How a plugins folder is read: each subfolder is one plugin, and a DLL dropped loose into the folder is a
/// plugin of its own. Knows which DLLs in a plugin folder are plugin assemblies and which are shared ones.
/// </summary>
internal static class PluginFolderLayout
{
    // These come from the host (shared types); a copy in a plugin folder is a packaging slip, not a plugin.
    private static readonly HashSet<string> SharedAssemblyNames = new(StringComparer.OrdinalIgnoreCase)
    {
        typeof(IModelArchitecture).Assembly.GetName().Name!,
        typeof(TorchSharp.torch).Assembly.GetName().Name!,
    };

    public static IReadOnlyList<PluginUnitOnDisk> Read(string pluginsFolder)
    {
        var units = new List<PluginUnitOnDisk>();
        foreach (var dir in Directory.EnumerateDirectories(pluginsFolder))
        {
            units.Add(new PluginUnitOnDisk(Path.GetFullPath(dir), Path.GetFileName(dir), PluginAssembliesIn(dir)));
        }
        foreach (var dll in Directory.EnumerateFiles(pluginsFolder, "*.dll").Where(f => !IsShared(f)))
        {
            units.Add(new PluginUnitOnDisk(Path.GetFullPath(dll), Path.GetFileName(dll), [Path.GetFullPath(dll)]));
        }
        return units.OrderBy(u => u.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// <c>&lt;Folder&gt;/&lt;Folder&gt;.dll</c> when present, so a plugin's own dependencies are not mistaken for
    /// plugins; otherwise every non-shared DLL, for plugins whose assembly is named differently from their folder.
    /// </summary>
    private static IReadOnlyList<string> PluginAssembliesIn(string dir)
    {
        var main = Path.Combine(dir, Path.GetFileName(dir) + ".dll");
        if (File.Exists(main)) return [Path.GetFullPath(main)];
        return Directory.EnumerateFiles(dir, "*.dll")
            .Where(f => !IsShared(f))
            .Select(Path.GetFullPath)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
    }

    private static bool IsShared(string dll) => SharedAssemblyNames.Contains(Path.GetFileNameWithoutExtension(dll));
}
