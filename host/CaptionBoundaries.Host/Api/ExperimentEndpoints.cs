using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Host.Api.Requests;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

public static class ExperimentEndpoints
{
    public sealed record PreemptRequest(string? Reason);

    public static void MapExperimentEndpoints(this IEndpointRouteBuilder api)
    {
        var experiments = api.MapGroup("/experiments").WithTags("Experiments");

        experiments.MapGet("/", async (string? architecture, string? status, string? dataset, string? sort, int? limit, string[]? tag, string? name,
                IMediator m, CancellationToken ct) =>
            await m.Send(new ListExperimentsQuery(architecture, status, dataset, sort ?? "best_f1", limit ?? 50) { Tags = tag ?? [], NameContains = name }, ct))
            .WithSummary("Tracked experiments, filtered and sorted (best_f1 or created). tag=key (has the tag) or tag=key=value, repeatable; " +
                "name=text (the name contains it, any case).")
            .ProducesProblems(Status400BadRequest);

        experiments.MapGet("/{id:guid}", async (Guid id, IMediator m, CancellationToken ct) => await m.Send(new GetExperimentQuery(id), ct))
            .ProducesProblems(Status404NotFound);

        experiments.MapGet("/{id}/detail", async (string id, IMediator m, CancellationToken ct) => await m.Send(new GetExperimentDetailQuery(id), ct))
            .WithSummary("Everything tracked about a run (id or a prefix of at least 4 characters): settings and recipe, every epoch, " +
                "the per-step train loss (train_loss_steps), the held-out test split's results (test, apart from validation), " +
                "why it stopped early (stopped_early), checkpoints.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        experiments.MapPost("/", async (StartExperimentRequest body, IMediator m, CancellationToken ct) =>
        {
            var info = await m.Send(new StartExperimentCommand(body.ToRunSpec()), ct);
            return TypedResults.Accepted($"/api/experiments/{info.Id}", info);
        }).WithSummary("Queue an experiment; it runs when a worker slot is free.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden);

        experiments.MapPost("/{id:guid}/cancel", async (Guid id, IMediator m, CancellationToken ct) => await m.Send(new CancelExperimentCommand(id), ct))
            .WithSummary("Cancel a queued or running experiment.")
            .ProducesProblems(Status403Forbidden, Status404NotFound);

        experiments.MapPost("/{id:guid}/preempt", async (Guid id, PreemptRequest? body, IMediator m, CancellationToken ct) =>
            TypedResults.Ok(await m.Send(new PreemptExperimentCommand(id, body?.Reason ?? ""), ct)))
            .WithSummary("Admin: stop a running experiment now and requeue it; it resumes from its last checkpoint (at most the current epoch is lost). " +
                "An experiment that is not running is refused (409).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);

        experiments.MapRunRecordEndpoints();
    }
}
