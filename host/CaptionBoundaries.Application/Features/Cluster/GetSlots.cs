using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;

namespace CaptionBoundaries.Application.Features.Cluster;

/// <summary>Worker slots (busy/free, which run) and the experiments waiting for one.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetSlotsQuery : IQuery<SchedulerSnapshot>;

public sealed class GetSlotsHandler(IGrainFactory grains, Infrastructure.Tracking.TrackingDbContext db, ActorContext actors) : IQueryHandler<GetSlotsQuery, SchedulerSnapshot>
{
    // Another account's private run shows as a busy slot or a queue place with an empty id (HiddenRuns).
    public async ValueTask<SchedulerSnapshot> Handle(GetSlotsQuery query, CancellationToken ct) =>
        await Experiments.HiddenRuns.MaskAsync(await grains.GetGrain<ISchedulerGrain>(0).GetSnapshot(), db, actors.Current, ct);
}
