namespace CaptionBoundaries.Tests.Plugins;

/// <summary>
/// A throwaway plugins folder filled from the test plugins the build copies to <c>&lt;test bin&gt;/test-plugins/</c>,
/// so each test decides exactly which plugins a registry sees.
/// </summary>
internal sealed class TempPluginFolder : IDisposable
{
    public const string TinyCnn = "CaptionBoundaries.TestPlugin.TinyCnn";
    public const string Empty = "CaptionBoundaries.TestPlugin.Empty";
    public const string Faulty = "CaptionBoundaries.TestPlugin.Faulty";

    public TempPluginFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cb-plugins-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public static string BuiltTestPlugin(string projectName) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "test-plugins", projectName);

    /// <summary>Copies a built test plugin into a subfolder (by default named like the project); returns the main DLL's path.</summary>
    public string AddTestPlugin(string projectName, string? folderName = null)
    {
        folderName ??= projectName;
        var target = System.IO.Path.Combine(Path, folderName);
        CopyFolder(BuiltTestPlugin(projectName), target);
        // Under a different folder name the registry falls back to every DLL in it, which is still just this one.
        return System.IO.Path.Combine(target, projectName + ".dll");
    }

    public static void CopyFolder(string source, string target)
    {
        if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"Test plugin not built: '{source}'.");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)), overwrite: true);
        }
    }

    /// <summary>Writes a DLL of random bytes; returns its path.</summary>
    public string AddBrokenDll(string folderName = "Broken")
    {
        var dir = System.IO.Path.Combine(Path, folderName);
        Directory.CreateDirectory(dir);
        var file = System.IO.Path.Combine(dir, folderName + ".dll");
        var bytes = new byte[4096];
        new Random(42).NextBytes(bytes);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail the test that used it.
        }
    }
}
