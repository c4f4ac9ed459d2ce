using CaptionBoundaries.Domain.Plugins;

namespace CaptionBoundaries.Tests.Plugins;

public class PluginDiscoveryTests
{
    private const string Tiny = "tiny_test_cnn";

    private static PluginRegistry Load(TempPluginFolder folder)
    {
        var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = folder.Path, WatchForChanges = false });
        registry.LoadAll();
        return registry;
    }

    [Fact]
    public void TinyPluginIsDiscoveredWithItsFileAndVersion()
    {
        using var folder = new TempPluginFolder();
        var dll = folder.AddTestPlugin(TempPluginFolder.TinyCnn);

        using var registry = Load(folder);

        Assert.Empty(registry.Errors);
        var entry = Assert.Single(registry.Architectures);
        Assert.Equal(Tiny, entry.Name);
        Assert.Equal(dll, entry.PluginFile);
        Assert.StartsWith("1.2.3", entry.PluginVersion);
        Assert.False(string.IsNullOrWhiteSpace(entry.Description));
        Assert.Same(entry.Architecture, registry.GetArchitecture(Tiny));
        Assert.True(registry.TryGetArchitecture(Tiny, out _));
        Assert.Empty(registry.Embedders);
        Assert.Empty(registry.Augmentations);
    }

    [Fact]
    public void BrokenDllIsReportedAndTheOtherPluginsStillLoad()
    {
        using var folder = new TempPluginFolder();
        folder.AddTestPlugin(TempPluginFolder.TinyCnn);
        var broken = folder.AddBrokenDll();
        var log = new ListLogger<PluginRegistry>();

        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = folder.Path, WatchForChanges = false }, log);
        registry.LoadAll();

        var error = Assert.Single(registry.Errors);
        Assert.Equal(broken, error.File);
        Assert.Contains(broken, error.Message);
        Assert.Contains(log.Lines, l => l.StartsWith("Error:") && l.Contains(broken));
        Assert.True(registry.TryGetArchitecture(Tiny, out _));
    }

    [Fact]
    public void PluginWithoutImplementationsIsReported()
    {
        using var folder = new TempPluginFolder();
        var dll = folder.AddTestPlugin(TempPluginFolder.Empty);

        using var registry = Load(folder);

        var error = Assert.Single(registry.Errors);
        Assert.Equal(dll, error.File);
        Assert.Contains(dll, error.Message);
        Assert.Contains("no implementations", error.Message);
        Assert.Empty(registry.Architectures);
    }

    [Fact]
    public void ThrowingConstructorAndInvalidNameAreReportedWithoutHidingGoodTypes()
    {
        using var folder = new TempPluginFolder();
        var dll = folder.AddTestPlugin(TempPluginFolder.Faulty);

        using var registry = Load(folder);

        Assert.Equal(2, registry.Errors.Count);
        Assert.All(registry.Errors, e => Assert.Equal(dll, e.File));
        Assert.All(registry.Errors, e => Assert.Contains(dll, e.Message));
        Assert.Contains(registry.Errors, e => e.Message.Contains("ThrowingArchitecture") && e.Message.Contains("boom"));
        Assert.Contains(registry.Errors, e => e.Message.Contains("BadNameArchitecture") && e.Message.Contains("'Bad-Name'"));
        Assert.Empty(registry.Architectures);
        Assert.Equal("identity_test_augmentation", Assert.Single(registry.Augmentations).Name);
    }

    [Fact]
    public void DuplicateNameIsRefusedNamingBothFiles()
    {
        using var folder = new TempPluginFolder();
        var first = folder.AddTestPlugin(TempPluginFolder.TinyCnn, "a_first");
        var second = folder.AddTestPlugin(TempPluginFolder.TinyCnn, "b_second");

        using var registry = Load(folder);

        var entry = Assert.Single(registry.Architectures);
        Assert.Equal(first, entry.PluginFile); // folders load in name order; the later one is refused
        var error = Assert.Single(registry.Errors);
        Assert.Equal(second, error.File);
        Assert.Contains(first, error.Message);
        Assert.Contains(second, error.Message);
        Assert.Contains(Tiny, error.Message);
    }

    [Fact]
    public void UnknownNameLookupListsTheKnownNames()
    {
        using var folder = new TempPluginFolder();
        folder.AddTestPlugin(TempPluginFolder.TinyCnn);
        using var registry = Load(folder);

        var e = Assert.Throws<UnknownPluginException>(() => registry.GetArchitecture("tiny_tset_cnn"));

        Assert.IsAssignableFrom<ArgumentException>(e);
        Assert.Equal(PluginKind.Architecture, e.Kind);
        Assert.Equal("tiny_tset_cnn", e.Name);
        Assert.Contains("tiny_tset_cnn", e.Message);
        Assert.Contains(Tiny, e.Message);
        Assert.False(registry.TryGetArchitecture("tiny_tset_cnn", out _));
        var none = Assert.Throws<UnknownPluginException>(() => registry.GetEmbedder("font"));
        Assert.Equal(PluginKind.Embedder, none.Kind);
        Assert.Contains("no embedders", none.Message);
    }

    [Fact]
    public void MissingPluginsFolderIsAnErrorNotAnException()
    {
        var missing = Path.Combine(Path.GetTempPath(), "cb-missing-" + Guid.NewGuid().ToString("N"));
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = missing });

        registry.LoadAll();

        Assert.Contains(missing, Assert.Single(registry.Errors).Message);
    }
}
