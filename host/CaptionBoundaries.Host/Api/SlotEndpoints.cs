using CaptionBoundaries.Application.Features.Cluster;
using Mediator;

namespace CaptionBoundaries.Host.Api;

public static class SlotEndpoints
{
    public static void MapSlotEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/slots", async (IMediator m, CancellationToken ct) => await m.Send(new GetSlotsQuery(), ct))
            .WithTags("Cluster").WithSummary("Worker slots (busy or free, and which run), the queue with each run's owner, and each user's running count, quota and recent usage.");
        api.MapGet("/cluster/nodes", async (IMediator m, CancellationToken ct) => await m.Send(new GetClusterNodesQuery(), ct))
            .WithTags("Cluster").WithSummary("Every node that joined: membership status, last heartbeat, slots, running runs, and when a lost node's runs were requeued.");
    }
}
