using CaptionBoundaries.Infrastructure.Tracking;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>A file attached to a run, as the API, the console and the CLI show it.</summary>
public sealed record RunArtifactView(string Path, long SizeBytes, string Sha256, string UploadedBy, DateTime CreatedAtUtc)
{
    public static RunArtifactView From(RunArtifact a) => new(a.Path, a.SizeBytes, a.Sha256, a.UploadedBy, a.CreatedAtUtc);
}
