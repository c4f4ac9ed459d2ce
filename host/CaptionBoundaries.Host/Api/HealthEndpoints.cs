using CaptionBoundaries.Application.Features.Cluster;
using Mediator;

namespace CaptionBoundaries.Host.Api;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/health", async (IMediator mediator, CancellationToken ct) =>
        {
            var report = await mediator.Send(new GetHealthQuery(), ct);
            return report.Status == "Healthy" ? Results.Ok(report) : Results.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().WithTags("Health").WithSummary("Database, plugins, slots and the active version of every served model.");
    }
}
