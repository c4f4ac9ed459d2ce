using CaptionBoundaries.Application.Features.Configuration;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

public static class ConfigurationEndpoints
{
    public static void MapConfigurationEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/configuration", async (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetEffectiveConfigurationQuery(), ct)))
            .WithTags("Configuration")
            .WithSummary("The effective configuration of this node, secrets masked, with each value's source.")
            .ProducesProblems(Status403Forbidden);
    }
}
