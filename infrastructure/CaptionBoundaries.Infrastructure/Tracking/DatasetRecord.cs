using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>A named, versioned dataset. Its content lives in <see cref="DatasetVersionRecord"/>s.</summary>
public sealed class DatasetRecord
{
    public required string Name { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public List<DatasetVersionRecord> Versions { get; set; } = [];
}
