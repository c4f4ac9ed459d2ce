namespace CaptionBoundaries.Domain.Registry;

/// <summary>
/// A registered version of a served model, as the registry records it: where it came from, the checkpoint's
/// SHA-256 and the settings inference needs. The checkpoint is a copy in the registry's content-addressed store,
/// so later writes to the training run's best.pt cannot change a registered version.
/// </summary>
public sealed class RegisteredModelVersion
{
    public long Id { get; set; }
    public required string ModelName { get; set; }
    public int Version { get; set; }

    /// <summary>The architecture (the model's type) this version instantiates.</summary>
    public required string ModelType { get; set; }

    /// <summary>"experiment" (registered from a tracked run) or "upload" (a checkpoint file from elsewhere).</summary>
    public required string Source { get; set; }

    public Guid? ExperimentId { get; set; }
    public required string CheckpointPath { get; set; }
    public required string CheckpointSha256 { get; set; }

    /// <summary>Image size, class order, embedder and model config: what a server needs to run the version.</summary>
    public required string InferenceConfigJson { get; set; }

    public double? ValMacroF1 { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public bool Archived { get; set; }
    public DateTime? ArchivedAtUtc { get; set; }
}
