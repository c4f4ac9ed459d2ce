using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Plugins;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Inference;

/// <summary>Rebuilds the exact model from a checkpoint file and the plugin registry, with nothing else.</summary>
public sealed class CheckpointLoader(PluginRegistry plugins)
{
    public LoadedModel Load(string path, Device device)
    {
        var contents = CheckpointFile.Read(path);
        var meta = contents.Metadata;
        if (!meta.Classes.SequenceEqual(TaskSpec.Classes))
            throw new CorruptCheckpointException(path,
                $"its class order ({string.Join(", ", meta.Classes)}) is not the task's ({string.Join(", ", TaskSpec.Classes)})");
        var architecture = plugins.GetArchitecture(meta.ArchitectureName);

        // Weights come from the checkpoint, so a pretrained-weights file used for the original run is not needed.
        var stored = meta.ModelConfig.ToDictionary(kv => kv.Key, kv => kv.Value);
        if (stored.ContainsKey(PretrainedWeights.ConfigKey)) stored[PretrainedWeights.ConfigKey] = "";
        var config = architecture.DefaultConfig.MergeOverrides(stored, meta.ArchitectureName);

        var model = architecture.Create(config);
        try
        {
            ModelStateBytes.Load(model, contents.ModelState);
        }
        catch (Exception e)
        {
            model.Dispose();
            throw new CorruptCheckpointException(path,
                $"its weights do not fit architecture '{meta.ArchitectureName}' as registered now: {e.Message}");
        }
        model.to(device);
        model.eval();
        return new LoadedModel(path, CheckpointFile.FileSha256(path), meta, model);
    }

    /// <summary>
    /// The font embedder a checkpoint was trained with, refused when another version is installed: its embeddings
    /// would differ from the ones the model learned. <paramref name="what"/> names the model in the error.
    /// </summary>
    public IEmbedder EmbedderFor(CheckpointMetadata meta, string what)
    {
        var embedder = plugins.GetEmbedder(meta.EmbedderName);
        if (embedder.Version != meta.EmbedderVersion)
            throw new InvalidOperationException(
                $"{what} was trained with embedder {meta.EmbedderName} {meta.EmbedderVersion}, but {embedder.Version} is installed; its font embeddings would differ.");
        return embedder;
    }
}
