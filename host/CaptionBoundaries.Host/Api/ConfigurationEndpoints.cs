using CaptionBoundaries.Application.Features.Configuration;
using Mediator;

namespace CaptionBoundaries.Host.Api;

public static class ConfigurationEndpoints
{
    public static void MapConfigurationEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/configuration", async (IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new GetEffectiveConfigurationQuery(), ct)))
            .WithTags("Configuration")
            .WithSummary("The effective configuration of this node, secrets masked, with each value's source.");
    }
}
