using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Grains;
using Mediator;

namespace CaptionBoundaries.Application.Features.Cluster;

/// <summary>Worker slots (busy/free, which run) and the experiments waiting for one.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetSlotsQuery : IQuery<SchedulerSnapshot>;

public sealed class GetSlotsHandler(IGrainFactory grains) : IQueryHandler<GetSlotsQuery, SchedulerSnapshot>
{
    public async ValueTask<SchedulerSnapshot> Handle(GetSlotsQuery query, CancellationToken ct) =>
        await grains.GetGrain<ISchedulerGrain>(0).GetSnapshot();
}
