using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Checkpoints;

public sealed class CheckpointFileTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly PluginRegistry _plugins;

    public CheckpointFileTests()
    {
        TestPaths.PopulatePluginsFolder(_temp.Combine("plugins"));
        _plugins = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = _temp.Combine("plugins"), WatchForChanges = false },
            NullLogger<PluginRegistry>.Instance);
        _plugins.LoadAll();
    }

    public void Dispose()
    {
        _plugins.Dispose();
        _temp.Dispose();
    }

    private static CheckpointMetadata Metadata(string architecture, IReadOnlyDictionary<string, string> config) =>
        CheckpointFactory.Metadata(architecture, config);

    private static CaptionInputs RandomInputs(int batch = 3)
    {
        manual_seed(123);
        return new CaptionInputs(rand(batch, 3, 32, 32), rand(batch, 3, 32, 32), rand(batch, 3, 32, 32),
            rand(batch, TaskSpec.SpatialFeatureCount), rand(batch, TaskSpec.FontEmbeddingDimension));
    }

    [Fact]
    public void ReloadedModelGivesIdenticalLogits()
    {
        var architecture = _plugins.GetArchitecture("tiny_test_cnn");
        var config = architecture.DefaultConfig;
        manual_seed(7);
        using var model = architecture.Create(config);
        // One optimiser step so the weights are not the seeded initial ones.
        var inputs = RandomInputs();
        using (var optimizer = optim.AdamW(model.parameters(), lr: 0.01))
        {
            model.train();
            var loss = nn.functional.cross_entropy(model.forward(inputs), tensor(new long[] { 0, 1, 2 }));
            loss.backward();
            optimizer.step();
        }
        model.eval();
        using var expected = model.forward(inputs);

        var path = _temp.Combine("model.pt");
        var sha = CheckpointFile.Write(path, Metadata("tiny_test_cnn", config.Values), ModelStateBytes.Save(model), null);
        using var loaded = new CheckpointLoader(_plugins).Load(path, CPU);
        using var actual = loaded.Model.forward(inputs);

        Assert.Equal(sha, loaded.Sha256);
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Fact]
    public void TruncatedOrAlteredFilesAreRefusedClearly()
    {
        var architecture = _plugins.GetArchitecture("tiny_test_cnn");
        using var model = architecture.Create(architecture.DefaultConfig);
        var path = _temp.Combine("good.pt");
        CheckpointFile.Write(path, Metadata("tiny_test_cnn", architecture.DefaultConfig.Values), ModelStateBytes.Save(model), [1, 2, 3]);
        var bytes = File.ReadAllBytes(path);

        var truncated = _temp.Combine("truncated.pt");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e1 = Assert.Throws<CorruptCheckpointException>(() => CheckpointFile.Read(truncated));
        Assert.Contains("truncated.pt", e1.Message);

        var flipped = _temp.Combine("flipped.pt");
        var copy = bytes.ToArray();
        copy[copy.Length / 2] ^= 0xFF;
        File.WriteAllBytes(flipped, copy);
        var e2 = Assert.Throws<CorruptCheckpointException>(() => new CheckpointLoader(_plugins).Load(flipped, CPU));
        Assert.Contains("hash does not match", e2.Message);

        var text = _temp.Combine("notes.pt");
        File.WriteAllText(text, "these are not weights");
        Assert.Throws<CorruptCheckpointException>(() => CheckpointFile.Read(text));

        Assert.Equal([1, 2, 3], CheckpointFile.Read(path).OptimizerState);
    }

    [Fact]
    public void WeightsOfAnotherShapeAreRefusedNamingTheArchitecture()
    {
        var architecture = _plugins.GetArchitecture("tiny_test_cnn");
        var narrow = architecture.DefaultConfig.MergeOverrides(new Dictionary<string, string> { ["width"] = "8" }, "tiny_test_cnn");
        using var model = architecture.Create(narrow);
        var path = _temp.Combine("mismatch.pt");
        // Metadata claims the default width, but the weights are of width 8.
        CheckpointFile.Write(path, Metadata("tiny_test_cnn", architecture.DefaultConfig.Values), ModelStateBytes.Save(model), null);

        var error = Assert.Throws<CorruptCheckpointException>(() => new CheckpointLoader(_plugins).Load(path, CPU));
        Assert.Contains("tiny_test_cnn", error.Message);
    }

    [Fact]
    public void UnknownArchitectureInACheckpointIsNamed()
    {
        var architecture = _plugins.GetArchitecture("tiny_test_cnn");
        using var model = architecture.Create(architecture.DefaultConfig);
        var path = _temp.Combine("unknown.pt");
        CheckpointFile.Write(path, Metadata("gone_architecture", architecture.DefaultConfig.Values), ModelStateBytes.Save(model), null);

        var error = Assert.Throws<UnknownPluginException>(() => new CheckpointLoader(_plugins).Load(path, CPU));
        Assert.Contains("gone_architecture", error.Message);
    }

    [Fact]
    public void WritingReplacesAtomicallyAndLeavesNoTemporaryFiles()
    {
        var architecture = _plugins.GetArchitecture("tiny_test_cnn");
        using var model = architecture.Create(architecture.DefaultConfig);
        var path = _temp.Combine("atomic", "last.pt");
        var first = CheckpointFile.Write(path, Metadata("tiny_test_cnn", architecture.DefaultConfig.Values), ModelStateBytes.Save(model), null);
        var second = CheckpointFile.Write(path, Metadata("tiny_test_cnn", architecture.DefaultConfig.Values) with { Epoch = 2 }, ModelStateBytes.Save(model), null);

        Assert.NotEqual(first, second);
        Assert.Equal(2, CheckpointFile.Read(path).Metadata.Epoch);
        Assert.Equal(["last.pt"], Directory.GetFiles(_temp.Combine("atomic")).Select(Path.GetFileName));
    }
}
