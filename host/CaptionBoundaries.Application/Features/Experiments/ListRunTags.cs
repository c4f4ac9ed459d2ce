using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Mediator;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>A run's tags, by key.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ListRunTagsQuery(Guid ExperimentId) : IQuery<IReadOnlyList<RunTagView>>;

public sealed class ListRunTagsHandler(TrackingDbContext db, ActorContext actors) : IQueryHandler<ListRunTagsQuery, IReadOnlyList<RunTagView>>
{
    public async ValueTask<IReadOnlyList<RunTagView>> Handle(ListRunTagsQuery query, CancellationToken ct)
    {
        await RunAccess.EnsureVisibleAsync(db, actors.Current, query.ExperimentId, ct);
        return await RunTagView.OfAsync(db, query.ExperimentId, ct);
    }
}
