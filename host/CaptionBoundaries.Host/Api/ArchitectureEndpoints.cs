using CaptionBoundaries.Application.Features.Registry;
using Mediator;

namespace CaptionBoundaries.Host.Api;

public static class ArchitectureEndpoints
{
    public static void MapArchitectureEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/architectures", async (IMediator mediator, CancellationToken ct) => await mediator.Send(new ListModelsQuery(), ct))
            .WithTags("Plugins").WithSummary("Registered architectures (with parameter counts), embedders, augmentations and plugin load errors.");
    }
}
