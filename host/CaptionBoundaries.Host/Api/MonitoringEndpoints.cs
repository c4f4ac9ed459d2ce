using CaptionBoundaries.Application.Features.Monitoring;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Infrastructure.Monitoring;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

public static class MonitoringEndpoints
{
    public sealed record ReferenceRequest(string? DatasetFolder, string? Split);

    public sealed record LoggingRequest(bool Enabled);

    public static void MapMonitoringEndpoints(this IEndpointRouteBuilder api)
    {
        var monitoring = api.MapGroup("/monitoring").WithTags("Monitoring");

        monitoring.MapGet("/models", async (IMediator m, CancellationToken ct) => await m.Send(new GetMonitoringOverviewQuery(), ct))
            .WithSummary("Every served model: predictions logged, last evaluation, open alerts, each version's reference status.");

        monitoring.MapGet("/models/{model}", async (string model, int? version, int? history, IMediator m, CancellationToken ct) =>
                await m.Send(new GetMonitoringDashboardQuery(model, version, history ?? 50), ct))
            .WithSummary("One version (default: the active one): confidence histogram and class distribution, live window vs reference; drift score history; input statistics; alerts.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        monitoring.MapGet("/models/{model}/settings", async (string model, IMediator m, CancellationToken ct) =>
            await m.Send(new GetMonitoringSettingsQuery(model), ct))
            .WithSummary("The model's window and threshold settings (the configured defaults until changed).")
            .ProducesProblems(Status404NotFound);

        monitoring.MapPut("/models/{model}/settings", async (string model, DriftSettings body, HttpContext http, IMediator m, CancellationToken ct) =>
            await m.Send(new UpdateMonitoringSettingsCommand(model, body), ct))
            .WithSummary("Set the model's window size, evaluation step and thresholds (PSI, class JS, class chi-square alpha, input KS alpha).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);

        monitoring.MapGet("/models/{model}/versions/{version:int}/reference", async (string model, int version, IMediator m, CancellationToken ct) =>
            await m.Send(new GetReferenceQuery(model, version), ct))
            .WithSummary("The version's reference distributions (pending, ready, missing or failed).")
            .ProducesProblems(Status404NotFound);

        monitoring.MapPost("/models/{model}/versions/{version:int}/reference", async (string model, int version, ReferenceRequest? body, IMediator m, CancellationToken ct) =>
                TypedResults.Accepted($"/api/monitoring/models/{model}/versions/{version}/reference",
                    await m.Send(new ComputeReferenceCommand(model, version, body?.DatasetFolder, body?.Split), ct)))
            .WithSummary("(Re)compute the version's reference in the background, from a dataset folder (default: its training run's dataset) and split (default val).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);

        monitoring.MapGet("/alerts", async (string? model, string? status, int? limit, IMediator m, CancellationToken ct) =>
            await m.Send(new ListAlertsQuery(model, status, limit ?? 100), ct))
            .WithSummary("Drift alerts, newest first; status open, acknowledged, resolved or active (open or acknowledged).")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        monitoring.MapPost("/alerts/{id:long}/acknowledge", async (long id, HttpContext http, IMediator m, CancellationToken ct) =>
            await m.Send(new AcknowledgeAlertCommand(id), ct))
            .WithSummary("Mark an open alert as seen; it stays de-duplicating until its metric is back under threshold.")
            .ProducesProblems(Status403Forbidden, Status404NotFound);

        monitoring.MapGet("/log", async (IMediator m, CancellationToken ct) => await m.Send(new GetPredictionLogStatusQuery(), ct))
            .WithSummary("The prediction log's counters: recorded, written, dropped, flushes, buffered.");

        monitoring.MapPut("/log", async (LoggingRequest body, IMediator m, CancellationToken ct) => await m.Send(new SetPredictionLoggingCommand(body.Enabled), ct))
            .WithSummary("Switch prediction logging on or off at run time (e.g. to measure its overhead).")
            .ProducesProblems(Status403Forbidden);

        monitoring.MapPost("/flush", async (IMediator m, CancellationToken ct) => await m.Send(new FlushPredictionLogCommand(), ct))
            .WithSummary("Write every buffered prediction now and evaluate the windows they touched.")
            .ProducesProblems(Status403Forbidden);
    }
}
