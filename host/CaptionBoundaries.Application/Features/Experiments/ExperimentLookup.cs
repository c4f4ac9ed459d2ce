using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>Finds an experiment by full id or an unambiguous prefix (as printed by `experiments list`).</summary>
public static class ExperimentLookup
{
    /// <summary>A run the viewer may see; another account's private run is "not found", so its existence is not revealed.</summary>
    public static async Task<Experiment> FindAsync(TrackingDbContext db, string idOrPrefix, Domain.Security.Actor viewer, CancellationToken ct)
    {
        var prefix = idOrPrefix.Replace("-", "").ToLowerInvariant();
        // Guids are compared client-side: providers store them differently (text, uuid, uniqueidentifier).
        var ids = await db.Experiments.AsNoTracking().VisibleTo(viewer).Select(e => e.Id).ToListAsync(ct);
        var matches = ids.Where(id => id.ToString("N").StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (matches.Count == 0) throw DomainException.NotFound($"No experiment has id '{idOrPrefix}'.");
        if (matches.Count > 1) throw DomainException.Invalid($"Experiment id prefix '{idOrPrefix}' matches {matches.Count} experiments; give more characters.");
        var id = matches[0];
        return await db.Experiments.AsNoTracking()
            .Include(e => e.Epochs)
            .Include(e => e.Checkpoints)
            .FirstAsync(e => e.Id == id, ct);
    }
}
