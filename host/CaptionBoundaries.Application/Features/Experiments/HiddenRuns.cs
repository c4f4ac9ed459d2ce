using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>
/// Views that show runs by id (slots, queue, nodes) show another account's private run as <see cref="Placeholder"/>:
/// the slot is still busy and the queue still as long, but which run it is stays with its owner and admins.
/// </summary>
public static class HiddenRuns
{
    /// <summary>Stands for "a private run of another account".</summary>
    public static readonly Guid Placeholder = Guid.Empty;

    public static async Task<HashSet<Guid>> AmongAsync(TrackingDbContext db, Actor actor, IEnumerable<Guid> ids, CancellationToken ct)
    {
        if (actor.IsAdmin) return [];
        var candidates = ids.Where(id => id != Placeholder).Distinct().ToList();
        if (candidates.Count == 0) return [];
        return (await db.Experiments.AsNoTracking()
            .Where(e => candidates.Contains(e.Id) && e.IsPrivate && e.Owner != actor.Name)
            .Select(e => e.Id).ToListAsync(ct)).ToHashSet();
    }

    public static async Task<SchedulerSnapshot> MaskAsync(SchedulerSnapshot snapshot, TrackingDbContext db, Actor actor, CancellationToken ct)
    {
        var hidden = await AmongAsync(db, actor, snapshot.Slots.Select(s => s.ExperimentId ?? Placeholder).Concat(snapshot.Queue), ct);
        if (hidden.Count == 0) return snapshot;
        Guid Mask(Guid id) => hidden.Contains(id) ? Placeholder : id;
        return snapshot with
        {
            Slots = snapshot.Slots.Select(s => s.ExperimentId is { } id ? s with { ExperimentId = Mask(id) } : s).ToList(),
            Queue = snapshot.Queue.Select(Mask).ToList(),
            QueuedRuns = snapshot.QueuedRuns.Select(q => q with { ExperimentId = Mask(q.ExperimentId) }).ToList(),
        };
    }
}
