using System.Runtime.Loader;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Plugins;
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

    [Fact]
    public void TinyModelFromPluginOverfitsOneBatchQuickly()
    {
        using var folder = new TempPluginFolder();
        folder.AddTestPlugin(TempPluginFolder.TinyCnn);
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = folder.Path, WatchForChanges = false });
        registry.LoadAll();
        var architecture = registry.GetArchitecture("tiny_test_cnn");
        manual_seed(7);
        using var model = architecture.Create(architecture.DefaultConfig);
        model.train();
        using var scope = NewDisposeScope();
        var inputs = new CaptionInputs(rand(8, 3, 32, 32), rand(8, 3, 32, 32), rand(8, 3, 32, 32), rand(8, 20), rand(8, 64));
        var labels = tensor(new long[] { 0, 1, 2, 3, 4, 0, 1, 2 });
        var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        float first = 0, last = 0;

        // Training tests elsewhere rely on this model learning fast; if it cannot even memorise 8 samples they would be meaningless.
        for (var step = 0; step < 25; step++)
        {
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(inputs), labels);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }

        Assert.True(last < first * 0.3f, $"loss went from {first} to {last}");
    }
}
