using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Host.Server.Security;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

public static class ModelEndpoints
{
    /// <summary>Either a checkpoint file, or an experiment (id or prefix) whose best/last checkpoint to register.</summary>
    public sealed record RegisterVersionRequest(string? CheckpointPath, string? ExperimentId, string? Kind);

    public sealed record SwitchRequest(int Version, string? Reason);

    public sealed record RollbackRequest(string? Reason);

    public sealed record AliasRequest(int Version, string? Reason, bool? Move);

    public sealed record PromoteRequest(string? From, string? To, string? Reason);

    public sealed record ArchiveRequest(string? Reason);

    public static void MapModelEndpoints(this IEndpointRouteBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Models");

        models.MapGet("/", async (IMediator m, CancellationToken ct) => await m.Send(new ListServedModelsQuery(), ct))
            .WithSummary("Served models with their versions, active version and aliases.");

        models.MapGet("/{model}", async (string model, IMediator m, CancellationToken ct) => await m.Send(new GetServedModelQuery(model), ct))
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        models.MapPost("/{model}/versions", async (string model, RegisterVersionRequest body, HttpContext http, IMediator m, CancellationToken ct) =>
        {
            var version = body.ExperimentId is { } experiment
                ? await m.Send(new RegisterFromExperimentCommand(model, experiment, body.Kind ?? "best"), ct)
                : await m.Send(new RegisterModelVersionCommand(model, body.CheckpointPath ?? ""), ct);
            return TypedResults.Created($"/api/models/{model}", version);
        }).WithSummary("Register a checkpoint file, or an experiment's best checkpoint, as the model's next version (copied into the registry store, SHA-256 recorded).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);

        // Multipart upload of a checkpoint file (field "file"): a client elsewhere registers its own file, not a server path.
        models.MapPost("/{model}/versions/upload", async Task<Results<Created<ModelVersionInfo>, ProblemHttpResult>> (string model, HttpRequest request, SecurityOptions limits, IMediator m, CancellationToken ct) =>
            {
                var maxBytes = limits.MaxUploadMegabytes * 1024L * 1024L;
                var (upload, problem) = await UploadForm.ReadAsync(request, maxBytes, ct);
                if (upload?.File is not { } file) return problem!;
                await using var content = file.OpenReadStream();
                var version = await m.Send(new UploadModelVersionCommand(model, file.FileName, content, maxBytes), ct);
                return TypedResults.Created($"/api/models/{model}", version);
            })
            .RequireAuthorization(p => p.RequireRole(Roles.Researcher, Roles.Admin))
            .AcceptsUploads()
            .DisableAntiforgery()
            .WithSummary("Upload a checkpoint file (multipart field 'file') as the model's next version.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status413PayloadTooLarge);

        models.MapGet("/{model}/registry", async (string model, IMediator m, CancellationToken ct) => await m.Send(new GetModelRegistryQuery(model), ct))
            .WithSummary("Registry records: versions (source, hash, inference config, archived) and the change history (who, what, when, why).")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        models.MapPost("/{model}/switch", async (string model, SwitchRequest body, HttpContext http, IMediator m, CancellationToken ct) =>
            SwitchOutcome(await m.Send(new SwitchModelVersionCommand(model, body.Version, body.Reason ?? ""), ct)))
            .WithSummary("Serve another version, live. An incompatible version is refused (409) and the old one keeps serving.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);

        models.MapPost("/{model}/rollback", async (string model, RollbackRequest? body, HttpContext http, IMediator m, CancellationToken ct) =>
            SwitchOutcome(await m.Send(new RollbackModelCommand(model, body?.Reason ?? ""), ct)))
            .WithSummary("Serve the previously active version again.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);

        models.MapPut("/{model}/aliases/{alias}", async (string model, string alias, AliasRequest body, HttpContext http, IMediator m, CancellationToken ct) =>
            SwitchOutcome(await m.Send(new SetModelAliasCommand(model, alias, body.Version, body.Reason ?? "", body.Move ?? false), ct)))
            .WithSummary("Point an alias (production, staging, any name) at a version; an alias on another version needs \"move\": true. Moving production switches what is served.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);

        models.MapPost("/{model}/promote", async (string model, PromoteRequest? body, HttpContext http, IMediator m, CancellationToken ct) =>
            SwitchOutcome(await m.Send(new PromoteModelCommand(model, body?.From ?? "staging", body?.To ?? "production", body?.Reason ?? ""), ct)))
            .WithSummary("Promote what staging points at to production (validated switch).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);

        models.MapPost("/{model}/versions/{version:int}/archive", async (string model, int version, ArchiveRequest? body, HttpContext http, IMediator m, CancellationToken ct) =>
            SwitchOutcome(await m.Send(new ArchiveModelVersionCommand(model, version, body?.Reason ?? ""), ct)))
            .WithSummary("Archive a version that is neither served nor aliased; it can no longer be served.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);

        models.MapPut("/{model}/visibility", async (string model, VisibilityRequest body, IMediator m, CancellationToken ct) =>
                await m.Send(new SetModelVisibilityCommand(model, body.Private), ct))
            .WithSummary("Owner or admin: make the model private (only its owner and admins find it) or shared.")
            .ProducesProblems(Status403Forbidden, Status404NotFound);

        models.MapPost("/{model}/predict", async (string model, HttpRequest request, LimitsOptions limits, IMediator m, CancellationToken ct) =>
                Answer(request.HttpContext, await m.Send(await PredictRequests.SingleAsync(model, request, limits.MaxPredictBodyMegabytes * 1024L * 1024L, ct), ct), single: true))
            .WithSummary("Classify one sample sent as bytes: JSON with base64 images, or multipart/form-data with the image files. " +
                "The answer names the version that gave it and the server-side latency.")
            .AcceptsPredictionBodies()
            .DisableAntiforgery()
            .CountsAsServing()
            .ProducesProblems(PredictionProblems)
            // Serving traffic has its own, higher limit: a client application predicts far more often than people click.
            .RequireRateLimiting(Server.Security.SecuritySetup.ServingRateLimitPolicy);

        models.MapPost("/{model}/predict/batch", async (string model, HttpRequest request, IMediator m, CancellationToken ct) =>
                Answer(request.HttpContext, await m.Send(await PredictRequests.BatchAsync(model, request, ct), ct), single: false))
            .WithSummary("Classify many samples (JSON 'instances', up to Limits:MaxPredictSamples), answered in order by one version.")
            .AcceptsPredictionBodies()
            .CountsAsServing()
            .ProducesProblems(PredictionProblems)
            .RequireRateLimiting(Server.Security.SecuritySetup.ServingRateLimitPolicy);
    }

    /// <summary>
    /// A field the request gets wrong (400), a model that does not exist or is someone else's private one (404), a body
    /// too large (413) or of another media type (415), a busy or recovering node (503).
    /// </summary>
    private static readonly int[] PredictionProblems =
        [Status400BadRequest, Status404NotFound, Status413PayloadTooLarge, Status415UnsupportedMediaType, Status503ServiceUnavailable];

    /// <summary>The version and the server-side latency also travel as headers, for clients that only look at those.</summary>
    private static Results<Ok<PredictionOutput>, Ok<PredictionBatch>> Answer(HttpContext http, PredictionBatch batch, bool single)
    {
        http.Response.Headers["X-Model-Version"] = batch.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["Server-Timing"] = $"predict;dur={batch.LatencyMs.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}";
        return single ? TypedResults.Ok(batch.Predictions[0]) : TypedResults.Ok(batch);
    }

    private static Results<Ok<SwitchResult>, ProblemHttpResult> SwitchOutcome(SwitchResult result) =>
        !result.Refused
            ? TypedResults.Ok(result)
            : TypedResults.Problem(title: "Refused; what was served before keeps serving.", detail: result.Reason,
                statusCode: Status409Conflict,
                extensions: new Dictionary<string, object?> { ["active_version"] = result.ActiveVersion });

    public sealed record VisibilityRequest(bool Private);
}
