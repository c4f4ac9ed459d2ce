using System.Diagnostics;
using CaptionBoundaries.Domain.Plugins;

namespace CaptionBoundaries.Tests.Plugins;

public class PluginHotDropTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task PluginFolderDroppedInWhileRunningAppearsWithoutRestart()
    {
        using var folder = new TempPluginFolder();
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = folder.Path, WatchForChanges = true });
        registry.LoadAll();
        Assert.Empty(registry.Architectures);
        var changed = 0;
        registry.Changed += (_, _) => Interlocked.Increment(ref changed);

        var dll = folder.AddTestPlugin(TempPluginFolder.TinyCnn);

        await WaitUntil(() => registry.TryGetArchitecture("tiny_test_cnn", out _));
        Assert.True(Volatile.Read(ref changed) > 0, "Changed was not raised");
        Assert.Equal(dll, registry.GetArchitectureEntry("tiny_test_cnn").PluginFile);
        Assert.Empty(registry.Errors);
    }

    [Fact]
    public async Task PluginFolderRemovedWhileRunningDisappears()
    {
        using var folder = new TempPluginFolder();
        var dll = folder.AddTestPlugin(TempPluginFolder.TinyCnn);
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = folder.Path, WatchForChanges = true });
        registry.LoadAll();
        Assert.True(registry.TryGetArchitecture("tiny_test_cnn", out _));

        Directory.Delete(Path.GetDirectoryName(dll)!, recursive: true);

        await WaitUntil(() => registry.Architectures.Count == 0);
        Assert.Empty(registry.Errors);
    }

    [Fact]
    public async Task DllRewrittenInPlaceIsReRegistered()
    {
        using var folder = new TempPluginFolder();
        var dll = folder.AddBrokenDll("Hot");
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = folder.Path, WatchForChanges = true });
        registry.LoadAll();
        Assert.Equal(dll, Assert.Single(registry.Errors).File);

        // Overwrite the same file, as a rebuild does: the loaded plugin is reloaded and its old error goes away.
        var built = Path.Combine(TempPluginFolder.BuiltTestPlugin(TempPluginFolder.TinyCnn), TempPluginFolder.TinyCnn + ".dll");
        File.Copy(built, dll, overwrite: true);

        await WaitUntil(() => registry.TryGetArchitecture("tiny_test_cnn", out _) && registry.Errors.Count == 0);
        Assert.Equal(dll, registry.GetArchitectureEntry("tiny_test_cnn").PluginFile);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Timeout, $"Condition not met within {Timeout.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }
}
