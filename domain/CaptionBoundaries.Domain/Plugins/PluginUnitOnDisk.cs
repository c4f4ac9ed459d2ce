namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// A plugin as found on disk: a subfolder (or a loose DLL), keyed by full path. The fingerprint changes
/// whenever any of its plugin assemblies is added, removed or rewritten, which is what triggers a reload.
/// </summary>
internal sealed record PluginUnitOnDisk(string Key, string Name, IReadOnlyList<string> Assemblies)
{
    public string Fingerprint { get; } = string.Join("|", Assemblies.Select(Stamp));

    public static string Stamp(string file)
    {
        var info = new FileInfo(file);
        return info.Exists ? $"{file}:{info.Length}:{info.LastWriteTimeUtc.Ticks}" : $"{file}:missing";
    }
}
