using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;

namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>Who may see a run: shared runs, and the actor's own private ones (admins see everything).</summary>
public static class ExperimentVisibility
{
    /// <summary>Shared runs, and private ones of the actor (admins see everything).</summary>
    public static IQueryable<Experiment> VisibleTo(this IQueryable<Experiment> experiments, Actor actor) =>
        actor.IsAdmin ? experiments : experiments.Where(e => !e.IsPrivate || e.Owner == actor.Name);

    public static bool IsVisibleTo(this Experiment experiment, Actor actor) =>
        actor.IsAdmin || !experiment.IsPrivate || experiment.Owner == actor.Name;
}
