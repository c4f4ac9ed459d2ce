namespace CaptionBoundaries.Tests.Support;

public static class TestPaths
{
    /// <summary>Shipped plugins, copied here by build/ShippedPlugins.targets.</summary>
    public static string ShippedPlugins => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Test-only plugins (tiny CNN, empty plugin), copied here by the test project.</summary>
    public static string TestPlugins => Path.Combine(AppContext.BaseDirectory, "test-plugins");

    /// <summary>The repository's root: the first folder above the test output that holds CaptionBoundaries.sln.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CaptionBoundaries.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("CaptionBoundaries.sln not found above the test output.");
    }

    public const string TinyCnnPlugin = "CaptionBoundaries.TestPlugin.TinyCnn";
    public const string EmptyPlugin = "CaptionBoundaries.TestPlugin.Empty";

    public static void CopyFolder(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>A plugins folder holding every shipped plugin plus the tiny test CNN.</summary>
    public static void PopulatePluginsFolder(string folder)
    {
        foreach (var plugin in Directory.EnumerateDirectories(ShippedPlugins))
            CopyFolder(plugin, Path.Combine(folder, Path.GetFileName(plugin)));
        CopyFolder(Path.Combine(TestPlugins, TinyCnnPlugin), Path.Combine(folder, TinyCnnPlugin));
    }
}
