namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// A file attached to a run under a relative path. The bytes live once in the content-addressed blob store, named by
/// <see cref="Sha256"/>; this row says which run holds which blob under which name.
/// </summary>
public sealed class RunArtifact
{
    public long Id { get; set; }
    public Guid ExperimentId { get; set; }

    /// <summary>Relative, '/'-separated, no '.' or '..' segments.</summary>
    public required string Path { get; set; }

    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public required string UploadedBy { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}
