using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;

namespace CaptionBoundaries.Domain.Inference;

/// <summary>A model rebuilt from a checkpoint, ready for inference. Disposing frees its tensors.</summary>
public sealed record LoadedModel(string CheckpointPath, string Sha256, CheckpointMetadata Metadata, CaptionBoundaryModel Model) : IDisposable
{
    public void Dispose() => Model.Dispose();
}
