using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Plugins;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Support;

/// <summary>Real checkpoints of the tiny test CNN without a training run: seeded random weights, valid metadata.</summary>
public static class CheckpointFactory
{
    public static CheckpointMetadata Metadata(string architecture, IReadOnlyDictionary<string, string> config, int imageSize = 32) => new()
    {
        ArchitectureName = architecture,
        ModelConfig = config,
        Hyperparameters = new Dictionary<string, string> { ["lr"] = "0.001" },
        ImageHeight = imageSize,
        ImageWidth = imageSize,
        Classes = TaskSpec.Classes,
        EmbedderName = "glyph_profile",
        EmbedderVersion = "1.0.0",
        AugmentationName = "none",
        DatasetIdentity = new string('a', 64),
        DatasetName = "unit",
        ExperimentId = Guid.NewGuid(),
        GitCommit = "abc",
        Kind = "best",
        Epoch = 1,
        ValMacroF1 = 0.5,
        ValAccuracy = 0.5,
        ValLoss = 1,
        BestValMacroF1 = 0.5,
        BestEpoch = 1,
        TotalParameters = 1,
        TrainableParameters = 1,
    };

    /// <summary>Writes a tiny_test_cnn checkpoint whose weights depend on <paramref name="seed"/>.</summary>
    /// <param name="edit">Changes the metadata before it is written (e.g. a forged experiment id).</param>
    public static string WriteTinyCnn(PluginRegistry plugins, string path, int seed, Func<CheckpointMetadata, CheckpointMetadata>? edit = null)
    {
        var architecture = plugins.GetArchitecture("tiny_test_cnn");
        manual_seed(seed);
        using var model = architecture.Create(architecture.DefaultConfig);
        var metadata = Metadata("tiny_test_cnn", architecture.DefaultConfig.Values);
        CheckpointFile.Write(path, edit is null ? metadata : edit(metadata), ModelStateBytes.Save(model), null);
        return path;
    }
}
