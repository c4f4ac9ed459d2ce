using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>A checkpoint file written by a run; <see cref="Sha256"/> lets anyone verify the file is the one recorded.</summary>
public sealed class CheckpointRecord
{
    public long Id { get; set; }
    public Guid ExperimentId { get; set; }

    /// <summary>"best" or "last".</summary>
    public required string Kind { get; set; }

    public int Epoch { get; set; }
    public required string Path { get; set; }
    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public double ValMacroF1 { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}
