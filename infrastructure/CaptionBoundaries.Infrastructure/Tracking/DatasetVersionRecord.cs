using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// One immutable version of a dataset. The content is the blob <see cref="ManifestBlob"/> (a
/// caption-boundaries-dataset-version/v1 document); the columns here are copies for queries. There is
/// deliberately no update path: a changed dataset is a new version.
/// </summary>
public sealed class DatasetVersionRecord
{
    public Guid Id { get; set; }
    public required string DatasetName { get; set; }

    /// <summary>1, 2, 3… per dataset.</summary>
    public int Number { get; set; }

    /// <summary>SHA-256 of the version manifest blob.</summary>
    public required string ManifestBlob { get; set; }

    /// <summary>SHA-256 of the blob holding the original manifest.json bytes.</summary>
    public required string SourceManifestBlob { get; set; }

    /// <summary>The <c>DatasetIdentity</c> of the content (and of any checkout of it): what experiments record.</summary>
    public required string ContentIdentity { get; set; }

    public DateTime CreatedAtUtc { get; set; }
    public Guid? ParentVersionId { get; set; }
    public string? Message { get; set; }

    /// <summary>The folder the version was created from (informational; the content is in the blobs).</summary>
    public required string SourceFolder { get; set; }

    public int SampleCount { get; set; }

    /// <summary>{"train": {"same": n, …}, "val": {…}}.</summary>
    public required string ClassCountsJson { get; set; }

    /// <summary>Image blobs this version added to the store (content no earlier write had stored).</summary>
    public int NewBlobCount { get; set; }

    /// <summary>Distinct blobs the content needs (images and manifest.json), and their total size.</summary>
    public int BlobCount { get; set; }
    public long TotalBytes { get; set; }

    public List<DatasetVersionBlob> Blobs { get; set; } = [];
}
