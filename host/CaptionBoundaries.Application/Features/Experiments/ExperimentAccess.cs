using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Application.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>Owners and visibility of runs: who may see a run, and who may change it (its owner, or an admin).</summary>
public static class ExperimentAccess
{
    /// <summary>Shared runs, and private ones of the actor (admins see everything).</summary>
    public static IQueryable<Experiment> VisibleTo(this IQueryable<Experiment> experiments, Actor actor) =>
        actor.IsAdmin ? experiments : experiments.Where(e => !e.IsPrivate || e.Owner == actor.Name);

    public static bool IsVisibleTo(this Experiment experiment, Actor actor) =>
        actor.IsAdmin || !experiment.IsPrivate || experiment.Owner == actor.Name;

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
