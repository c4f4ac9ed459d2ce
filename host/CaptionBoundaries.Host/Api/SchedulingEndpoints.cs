using CaptionBoundaries.Application.Features.Cluster;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

public static class SchedulingEndpoints
{
    public sealed record QuotaRequest(int? Slots);

    public static void MapSchedulingEndpoints(this IEndpointRouteBuilder api)
    {
        var scheduling = api.MapGroup("/scheduling").WithTags("Cluster");

        scheduling.MapPut("/quotas/{user}", async (string user, QuotaRequest body, IMediator m, CancellationToken ct) =>
            await m.Send(new SetUserQuotaCommand(user, body.Slots), ct))
            .WithSummary("Admin: how many worker slots the user's runs may hold at once (wins over configuration; takes effect at once).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden);

        scheduling.MapDelete("/quotas/{user}", async (string user, IMediator m, CancellationToken ct) =>
            await m.Send(new SetUserQuotaCommand(user, null), ct))
            .WithSummary("Admin: drop the run-time quota so the configured one applies again.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden);
    }
}
