using CaptionBoundaries.Application.Features.Webhooks;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

public static class WebhookEndpoints
{
    public static void MapWebhookEndpoints(this IEndpointRouteBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks");

        webhooks.MapGet("/deliveries", async (string? status, int? limit, IMediator m, CancellationToken ct) =>
                await m.Send(new ListWebhookDeliveriesQuery(status, limit ?? 200), ct))
            .WithSummary("Webhook deliveries, newest first (status pending, delivered or dead_lettered), with attempts and last error; URLs masked. Admins only.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden);

        webhooks.MapPost("/deliveries/{id:long}/redeliver", async (long id, IMediator m, CancellationToken ct) =>
                await m.Send(new RedeliverWebhookCommand(id), ct))
            .WithSummary("Send a dead-lettered delivery again with a fresh set of attempts (409 unless it is dead-lettered). Admins only.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);
    }
}
