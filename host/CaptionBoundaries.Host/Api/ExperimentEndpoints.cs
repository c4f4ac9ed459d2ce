using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Grains;
using Mediator;

namespace CaptionBoundaries.Host.Api;

public static class ExperimentEndpoints
{
    public static void MapExperimentEndpoints(this IEndpointRouteBuilder api)
    {
        var experiments = api.MapGroup("/experiments").WithTags("Experiments");

        experiments.MapGet("/", async (string? architecture, string? status, string? dataset, string? sort, int? limit, IMediator m, CancellationToken ct) =>
            await m.Send(new ListExperimentsQuery(architecture, status, dataset, sort ?? "best_f1", limit ?? 50), ct))
            .WithSummary("Tracked experiments, filtered and sorted (best_f1 or created).");

        experiments.MapGet("/{id:guid}", async (Guid id, IMediator m, CancellationToken ct) => await m.Send(new GetExperimentQuery(id), ct));

        experiments.MapPost("/", async (ExperimentSpec spec, IMediator m, CancellationToken ct) =>
        {
            var info = await m.Send(new StartExperimentCommand(spec), ct);
            return Results.Accepted($"/api/experiments/{info.Id}", info);
        }).WithSummary("Queue an experiment; it runs when a worker slot is free.");

        experiments.MapPost("/{id:guid}/cancel", async (Guid id, IMediator m, CancellationToken ct) => await m.Send(new CancelExperimentCommand(id), ct))
            .WithSummary("Cancel a queued or running experiment.");
    }
}
