using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>Who may change a run: its owner, or an admin (who may see it: <see cref="ExperimentVisibility"/>).</summary>
public static class ExperimentAccess
{
    /// <summary>
    /// Refuses a change to someone else's run. A run not yet in the tracking database (still queued) is checked by its
    /// grain's spec instead, by the caller.
    /// </summary>
    public static async Task EnsureMayChange(TrackingDbContext db, Actor actor, Guid experimentId, string action, CancellationToken ct)
    {
        if (actor.IsAdmin) return;
        var owner = await db.Experiments.Where(e => e.Id == experimentId).Select(e => e.Owner).FirstOrDefaultAsync(ct);
        if (owner is not null && owner != actor.Name)
            throw new ForbiddenException($"{actor.Name} may not {action} experiment {experimentId:N}: it belongs to {owner}.");
    }
}
