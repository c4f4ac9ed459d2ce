using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>A tag on a run.</summary>
public sealed record RunTagView(string Key, string Value)
{
    /// <summary>A run's tags, by key.</summary>
    public static async Task<IReadOnlyList<RunTagView>> OfAsync(TrackingDbContext db, Guid runId, CancellationToken ct) =>
        (await db.RunTags.AsNoTracking().Where(t => t.ExperimentId == runId).Select(t => new RunTagView(t.Key, t.Value)).ToListAsync(ct))
        .OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
}
