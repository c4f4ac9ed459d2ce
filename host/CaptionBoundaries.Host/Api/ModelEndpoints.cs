using CaptionBoundaries.Application.Features.Models;
using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Grains;
using Mediator;

namespace CaptionBoundaries.Host.Api;

public static class ModelEndpoints
{
    public sealed record RegisterVersionRequest(string CheckpointPath);

    public sealed record SwitchRequest(int Version, string? Reason);

    public sealed record RollbackRequest(string? Reason);

    public sealed record AliasRequest(int Version, string? Reason);

    public sealed record PredictRequest(string Frame1, string Frame2, string OcrViz, float[] SpatialFeatures, float[]? CaptionBox);

    public static void MapModelEndpoints(this IEndpointRouteBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Models");

        models.MapGet("/", async (IMediator m, CancellationToken ct) => await m.Send(new ListServedModelsQuery(), ct))
            .WithSummary("Served models with their versions, active version and aliases.");

        models.MapGet("/{model}", async (string model, IMediator m, CancellationToken ct) => await m.Send(new GetServedModelQuery(model), ct));

        models.MapPost("/{model}/versions", async (string model, RegisterVersionRequest body, IMediator m, CancellationToken ct) =>
        {
            var version = await m.Send(new RegisterModelVersionCommand(model, body.CheckpointPath ?? ""), ct);
            return Results.Created($"/api/models/{model}", version);
        }).WithSummary("Register a checkpoint as the model's next version (its SHA-256 is recorded).");

        models.MapPost("/{model}/switch", async (string model, SwitchRequest body, IMediator m, CancellationToken ct) =>
            SwitchOutcome(await m.Send(new SwitchModelVersionCommand(model, body.Version, body.Reason ?? ""), ct)))
            .WithSummary("Serve another version, live. An incompatible version is refused (409) and the old one keeps serving.");

        models.MapPost("/{model}/rollback", async (string model, RollbackRequest? body, IMediator m, CancellationToken ct) =>
            SwitchOutcome(await m.Send(new RollbackModelCommand(model, body?.Reason ?? ""), ct)))
            .WithSummary("Serve the previously active version again.");

        models.MapPut("/{model}/aliases/{alias}", async (string model, string alias, AliasRequest body, IMediator m, CancellationToken ct) =>
            SwitchOutcome(await m.Send(new SetModelAliasCommand(model, alias, body.Version, body.Reason ?? ""), ct)))
            .WithSummary("Point an alias (production, staging, …) at a version; moving production switches what is served.");

        models.MapPost("/{model}/predict", async (string model, PredictRequest body, IMediator m, CancellationToken ct) =>
            await m.Send(new PredictCommand(model, body.Frame1 ?? "", body.Frame2 ?? "", body.OcrViz ?? "", body.SpatialFeatures ?? [], body.CaptionBox), ct))
            .WithSummary("Classify one sample with the active version; the response names the version that answered.");
    }

    private static IResult SwitchOutcome(SwitchResult result) =>
        result.Switched
            ? Results.Ok(result)
            : Results.Problem(title: "The switch was refused; the previous version keeps serving.", detail: result.Reason,
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["active_version"] = result.ActiveVersion });
}
