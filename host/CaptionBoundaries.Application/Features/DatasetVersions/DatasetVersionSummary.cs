using System.Text.Json;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;

namespace CaptionBoundaries.Application.Features.DatasetVersions;

/// <summary>A recorded dataset version as the CLI, API and console show it.</summary>
public sealed record DatasetVersionSummary(
    Guid Id,
    string Dataset,
    int Version,
    string ContentIdentity,
    string ManifestBlob,
    DateTime CreatedAtUtc,
    Guid? ParentVersionId,
    string? Message,
    string SourceFolder,
    int SampleCount,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ClassCounts,
    int BlobCount,
    int NewBlobCount,
    long TotalBytes)
{
    public static DatasetVersionSummary From(DatasetVersionRecord v) => new(
        v.Id, v.DatasetName, v.Number, v.ContentIdentity, v.ManifestBlob, v.CreatedAtUtc, v.ParentVersionId, v.Message,
        v.SourceFolder, v.SampleCount,
        JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, int>>>(v.ClassCountsJson)!
            .ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, int>)p.Value),
        v.BlobCount, v.NewBlobCount, v.TotalBytes);
}
