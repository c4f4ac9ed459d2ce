using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;

namespace CaptionBoundaries.Application.Features.Sweeps;

/// <summary>Every sweep started on the cluster, newest first.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ListSweepsQuery : IQuery<IReadOnlyList<SweepSummary>>;

public sealed class ListSweepsHandler(IGrainFactory grains) : IQueryHandler<ListSweepsQuery, IReadOnlyList<SweepSummary>>
{
    public async ValueTask<IReadOnlyList<SweepSummary>> Handle(ListSweepsQuery query, CancellationToken ct)
    {
        var ids = await grains.GetGrain<ISweepCatalogGrain>(0).All();
        var infos = await Task.WhenAll(ids.Reverse().Select(id => grains.GetGrain<ISweepGrain>(id).GetStatus()));
        return infos.Select(SweepViews.Summarize).ToList();
    }
}
