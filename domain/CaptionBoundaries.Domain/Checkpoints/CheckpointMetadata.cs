namespace CaptionBoundaries.Domain.Checkpoints;

/// <summary>
/// Everything needed to rebuild the exact model from the checkpoint alone, plus where it came from.
/// Stored as JSON at the head of the checkpoint file.
/// </summary>
public sealed record CheckpointMetadata
{
    public const string CurrentFormat = "caption-boundaries-checkpoint/v1";

    public string Format { get; init; } = CurrentFormat;
    public required string ArchitectureName { get; init; }
    public required IReadOnlyDictionary<string, string> ModelConfig { get; init; }
    public required IReadOnlyDictionary<string, string> Hyperparameters { get; init; }

    /// <summary>Model input size: images are resized to this before the forward pass.</summary>
    public required int ImageHeight { get; init; }
    public required int ImageWidth { get; init; }

    /// <summary>Class order of the logits. Loading refuses a checkpoint whose order differs from the task's.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    public required string EmbedderName { get; init; }
    public required string EmbedderVersion { get; init; }
    public required string AugmentationName { get; init; }
    public required string DatasetIdentity { get; init; }
    public required string DatasetName { get; init; }
    public required Guid ExperimentId { get; init; }
    public required string GitCommit { get; init; }

    /// <summary>"best" or "last".</summary>
    public required string Kind { get; init; }

    public required int Epoch { get; init; }
    public required double ValMacroF1 { get; init; }
    public required double ValAccuracy { get; init; }
    public required double ValLoss { get; init; }
    public required double BestValMacroF1 { get; init; }
    public required int BestEpoch { get; init; }
    public required long TotalParameters { get; init; }
    public required long TrainableParameters { get; init; }
    public DateTime CreatedAtUtc { get; init; } = DateTime.UtcNow;
}
