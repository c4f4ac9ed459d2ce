namespace CaptionBoundaries.Infrastructure.DatasetVersions;

/// <summary>Configuration section "CaptionBoundaries:DatasetVersions".</summary>
public sealed class DatasetVersionOptions
{
    public const string Section = "CaptionBoundaries:DatasetVersions";

    /// <summary>
    /// Unreferenced blobs younger than this are never collected: a version being created elsewhere may have
    /// written (or re-used) them without having committed the version row that references them yet.
    /// </summary>
    public TimeSpan GarbageGracePeriod { get; set; } = TimeSpan.FromMinutes(10);
}
