using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// A blob a version needs (images, manifest.json, and the version manifest itself). Written in the same
/// transaction as the version row, so every recorded version's blobs are protected from garbage collection.
/// </summary>
public sealed class DatasetVersionBlob
{
    public Guid VersionId { get; set; }
    public required string BlobSha { get; set; }
    public long Bytes { get; set; }
}
