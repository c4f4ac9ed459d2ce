using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Grains.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Grains.Models;

/// <summary>
/// Decides whether a registered version may be served: the file is the one registered, its architecture and
/// embedder are loaded, and the rebuilt model honours the task's input/output contract. Cheapest checks first,
/// so a tampered or orphaned file is refused without building a model.
/// </summary>
public sealed class ModelVersionValidator(PluginRegistry plugins, CheckpointLoader loader)
{
    /// <summary>Null when the version can serve; otherwise why not, in words an operator can act on.</summary>
    public string? FindProblem(ModelVersionInfo version)
    {
        var path = version.CheckpointPath;
        if (!File.Exists(path))
            return $"checkpoint file '{path}' of version {version.Version} no longer exists";

        var actual = CheckpointFile.FileSha256(path);
        if (!string.Equals(actual, version.Sha256, StringComparison.OrdinalIgnoreCase))
            return $"checksum mismatch for version {version.Version}: '{path}' now has SHA-256 {actual}, " +
                   $"but {version.Sha256} was recorded at registration (the file changed since)";

        CheckpointMetadata meta;
        try
        {
            meta = CheckpointFile.Read(path).Metadata;
        }
        catch (CorruptCheckpointException e)
        {
            return e.Message;
        }

        if (!plugins.TryGetArchitecture(meta.ArchitectureName, out _))
            return $"architecture '{meta.ArchitectureName}' of version {version.Version} is not registered; " +
                   $"registered architectures: {Names(plugins.Architectures.Select(a => a.Name))}";
        if (!plugins.TryGetEmbedder(meta.EmbedderName, out var embedder))
            return $"embedder '{meta.EmbedderName}' of version {version.Version} is not registered; " +
                   $"registered embedders: {Names(plugins.Embedders.Select(e => e.Name))}";
        if (embedder.Version != meta.EmbedderVersion)
            return $"embedder '{meta.EmbedderName}' is at version {embedder.Version}, but version {version.Version} " +
                   $"was trained with {meta.EmbedderVersion}; its font embeddings would not match training";
        if (!meta.Classes.SequenceEqual(TaskSpec.Classes))
            return $"class order of version {version.Version} ({string.Join(", ", meta.Classes)}) " +
                   $"is not the task's ({string.Join(", ", TaskSpec.Classes)})";

        return CheckForwardPass(version, meta);
    }

    // A model that loads but cannot take the task's inputs would fail every request; one zero batch finds out now.
    private string? CheckForwardPass(ModelVersionInfo version, CheckpointMetadata meta)
    {
        try
        {
            using var loaded = loader.Load(version.CheckpointPath, CPU);
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var inputs = new CaptionInputs(
                zeros(1, TaskSpec.ImageChannels, meta.ImageHeight, meta.ImageWidth),
                zeros(1, TaskSpec.ImageChannels, meta.ImageHeight, meta.ImageWidth),
                zeros(1, TaskSpec.ImageChannels, meta.ImageHeight, meta.ImageWidth),
                zeros(1, TaskSpec.SpatialFeatureCount),
                zeros(1, TaskSpec.FontEmbeddingDimension));
            var logits = loaded.Model.forward(inputs);
            if (logits.shape is not [1, TaskSpec.ClassCount])
                return $"version {version.Version} returned logits of shape ({string.Join(", ", logits.shape)}) " +
                       $"for one sample; the task needs (1, {TaskSpec.ClassCount})";
            return null;
        }
        catch (Exception e)
        {
            return $"version {version.Version} failed its input/output check ({meta.ImageHeight}x{meta.ImageWidth} zero batch): {e.Message}";
        }
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }
}
