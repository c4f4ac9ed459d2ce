using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// One Orleans grain's persisted state, as JSON, so grains live in the same database as the experiments they describe.
/// <see cref="GrainType"/> carries the grain type and the state name ("experiment/state"): a grain may keep several states.
/// </summary>
public sealed class GrainStateRecord
{
    public required string GrainType { get; set; }
    public required string GrainId { get; set; }

    /// <summary>Changes on every write; a writer holding an older value is refused (optimistic concurrency).</summary>
    public required string ETag { get; set; }

    public required string StateJson { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
}
