using CaptionBoundaries.Application.Features.Sweeps;
using CaptionBoundaries.Host.Api.Requests;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

public static class SweepEndpoints
{
    public sealed record RegisterBestRequest(string? Model);

    public static void MapSweepEndpoints(this IEndpointRouteBuilder api)
    {
        var sweeps = api.MapGroup("/sweeps").WithTags("Sweeps");

        sweeps.MapPost("/", async (StartSweepRequest body, IMediator m, CancellationToken ct) =>
        {
            var info = await m.Send(new StartSweepCommand(body.Definition!, body.ToBaseSpec()), ct);
            return TypedResults.Accepted($"/api/sweeps/{info.Id}", info);
        }).WithSummary("Start a sweep from its definition (YAML or JSON text) and the fixed training settings; trials run on the worker slots.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden);

        sweeps.MapGet("/", async (IMediator m, CancellationToken ct) => await m.Send(new ListSweepsQuery(), ct))
            .WithSummary("Every sweep, newest first: method, phase, trials done of planned, the best trial and its metric.");

        sweeps.MapGet("/{id:guid}", async (Guid id, IMediator m, CancellationToken ct) => await m.Send(new GetSweepQuery(id), ct))
            .WithSummary("The sweep's phase and every trial: parameters, status, metric, stop reason; the best trial's number.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        sweeps.MapGet("/{id:guid}/best", async (Guid id, IMediator m, CancellationToken ct) => await m.Send(new BestTrialQuery(id), ct))
            .WithSummary("The best finished trial by the sweep's metric.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        sweeps.MapPost("/{id:guid}/best/register", async (Guid id, RegisterBestRequest body, HttpContext http, IMediator m, CancellationToken ct) =>
        {
            var version = await m.Send(new RegisterBestTrialCommand(id, body.Model ?? ""), ct);
            return TypedResults.Created($"/api/models/{body.Model}", version);
        }).WithSummary("Register the best trial's best checkpoint as the next version of a served model.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);

        sweeps.MapPost("/{id:guid}/pause", async (Guid id, IMediator m, CancellationToken ct) => await m.Send(new PauseSweepCommand(id), ct))
            .WithSummary("Launch no new trials; running ones finish.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);

        sweeps.MapPost("/{id:guid}/resume", async (Guid id, IMediator m, CancellationToken ct) => await m.Send(new ResumeSweepCommand(id), ct))
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);

        sweeps.MapPost("/{id:guid}/cancel", async (Guid id, IMediator m, CancellationToken ct) => await m.Send(new CancelSweepCommand(id), ct))
            .WithSummary("Cancel the running trials and launch no more.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);
    }
}
