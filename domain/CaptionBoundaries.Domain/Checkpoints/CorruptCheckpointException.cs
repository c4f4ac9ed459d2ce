namespace CaptionBoundaries.Domain.Checkpoints;

/// <summary>A checkpoint file that is truncated, altered or not a checkpoint at all.</summary>
public sealed class CorruptCheckpointException(string path, string reason)
    : IOException($"Checkpoint '{path}' is not usable: {reason}")
{
    public string CheckpointPath { get; } = path;
}
