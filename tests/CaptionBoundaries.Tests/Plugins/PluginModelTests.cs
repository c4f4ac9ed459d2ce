using System.Runtime.Loader;
using CaptionBoundaries.Application.Plugins;
using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Plugins;

public class PluginModelTests
{
    [Fact]
    public void ModelFromPluginRunsAForwardPassWithTheHostsTorchSharp()
    {
        using var folder = new TempPluginFolder();
        folder.AddTestPlugin(TempPluginFolder.TinyCnn);
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = folder.Path, WatchForChanges = false });
        registry.LoadAll();
        var architecture = registry.GetArchitecture("tiny_test_cnn");
        // The plugin lives in its own context; only the contracts and TorchSharp are shared with the host.
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(architecture.GetType().Assembly));

        using var model = architecture.Create(architecture.DefaultConfig);
        model.eval();
        using var scope = NewDisposeScope();
        var inputs = new CaptionInputs(
            rand(2, 3, 32, 32), rand(2, 3, 32, 32), rand(2, 3, 32, 32), rand(2, 20), rand(2, 64));
        using var noGrad = no_grad();
        var logits = model.forward(inputs);

        Assert.Equal(new long[] { 2, 5 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
        Assert.True(model.CountParameters().Total > 0);
    }
}
