using CaptionBoundaries.Application.Features.Cluster;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CaptionBoundaries.Host.Api;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder api)
    {
        // Anonymous callers (load balancers, probes) get the status only; accounts get the details they may see.
        api.MapGet("/health", async Task<IResult> (HttpContext http, IMediator mediator, CancellationToken ct) =>
        {
            if (http.User.Identity?.IsAuthenticated != true)
            {
                var live = await mediator.Send(new GetLivenessQuery(), ct);
                return Answer(live, live.Status);
            }
            var report = await mediator.Send(new GetHealthQuery(), ct);
            return Answer(report, report.Status);
        }).AllowAnonymous().WithTags("Health")
            .WithSummary("Anonymous: status and database only. Signed in: plugins, slots and the active version of every model the caller may see.");
    }

    private static Results<Ok<T>, JsonHttpResult<T>> Answer<T>(T body, string status) =>
        status == Liveness.Healthy ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
}
