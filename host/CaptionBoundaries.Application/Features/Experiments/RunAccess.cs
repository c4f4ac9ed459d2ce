using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>
/// The checks before a run's artifacts, tags or note are read or changed, in the order that reveals nothing: a run the
/// actor may not see (another account's private run) is "not found" like one that does not exist; a run the actor sees
/// but does not own may be read, and changed only by its owner or an admin.
/// </summary>
public static class RunAccess
{
    /// <summary>The run's owner, when the actor may see it; otherwise not found.</summary>
    public static async Task<string> EnsureVisibleAsync(TrackingDbContext db, Actor actor, Guid runId, CancellationToken ct) =>
        await db.Experiments.AsNoTracking().VisibleTo(actor).Where(e => e.Id == runId).Select(e => e.Owner).FirstOrDefaultAsync(ct)
        ?? throw DomainException.NotFound($"No experiment has id '{runId:N}'.");

    /// <summary>Visible (else not found) and the actor's own or the actor an admin (else forbidden).</summary>
    public static async Task EnsureMayChangeAsync(TrackingDbContext db, Actor actor, Guid runId, string action, CancellationToken ct)
    {
        var owner = await EnsureVisibleAsync(db, actor, runId, ct);
        if (!actor.IsAdmin && owner != actor.Name)
            throw new ForbiddenException($"{actor.Name} may not {action} of experiment {runId:N}: it belongs to {owner}.");
    }
}
