using System.Text.Json;
using CaptionBoundaries.Application.Features.Mlflow;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CaptionBoundaries.Host.Api.Mlflow;

/// <summary>
/// MLflow's tracking REST API 2.0 (experiments, runs, logging, metric history, artifact listing) under
/// /api/2.0/mlflow, so MLflow clients log here unchanged with MLFLOW_TRACKING_URI pointing at this server and
/// MLFLOW_TRACKING_TOKEN set to an API token (sent as a Bearer token). Each call maps onto a use case.
/// </summary>
public static class MlflowTrackingEndpoints
{
    public static void MapMlflowTracking(this RouteGroupBuilder mlflow)
    {
        var experiments = mlflow.MapGroup("/experiments");
        experiments.MapPost("/create", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<CreateExperimentBody>(request, ct);
            var id = await m.Send(new CreateMlflowExperimentCommand(body.Name ?? "", body.ArtifactLocation, body.Tags ?? []), ct);
            return MlflowJson.Ok(new { experiment_id = id });
        });
        experiments.MapGet("/get", async (string? experiment_id, IMediator m, CancellationToken ct) =>
            MlflowJson.Ok(new { experiment = await m.Send(new GetMlflowExperimentQuery(Required(experiment_id, "experiment_id"), null), ct) }));
        experiments.MapGet("/get-by-name", async (string? experiment_name, IMediator m, CancellationToken ct) =>
            MlflowJson.Ok(new { experiment = await m.Send(new GetMlflowExperimentQuery(null, Required(experiment_name, "experiment_name")), ct) }));
        experiments.MapPost("/search", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<SearchExperimentsBody>(request, ct);
            return SearchExperiments(await m.Send(new SearchMlflowExperimentsQuery(body.MaxResults ?? 1000, body.PageToken, body.Filter, Text(body.ViewType)), ct));
        });
        experiments.MapGet("/search", async (int? max_results, string? page_token, string? filter, string? view_type, IMediator m, CancellationToken ct) =>
            SearchExperiments(await m.Send(new SearchMlflowExperimentsQuery(max_results ?? 1000, page_token, filter, view_type), ct)));
        // MLflow 1.x clients (the npm client among them) list with GET experiments/list.
        experiments.MapGet("/list", async (string? view_type, IMediator m, CancellationToken ct) =>
            SearchExperiments(await m.Send(new SearchMlflowExperimentsQuery(50_000, null, null, view_type), ct)));
        experiments.MapPost("/update", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<ExperimentChangeBody>(request, ct);
            await m.Send(new ChangeMlflowExperimentCommand(body.ExperimentId, body.NewName ?? "", null, null), ct);
            return MlflowJson.Empty();
        });
        experiments.MapPost("/delete", (HttpRequest request, IMediator m, CancellationToken ct) => ChangeLifecycle(request, m, delete: true, ct));
        experiments.MapPost("/restore", (HttpRequest request, IMediator m, CancellationToken ct) => ChangeLifecycle(request, m, delete: false, ct));
        experiments.MapPost("/set-experiment-tag", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<ExperimentChangeBody>(request, ct);
            var tag = new MlflowKeyValue(body.Key ?? "", body.Value ?? "");
            await m.Send(new ChangeMlflowExperimentCommand(body.ExperimentId, null, null, tag), ct);
            return MlflowJson.Empty();
        });

        var runs = mlflow.MapGroup("/runs");
        runs.MapPost("/create", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<CreateRunBody>(request, ct);
            return MlflowJson.Ok(new { run = await m.Send(new CreateMlflowRunCommand(body.ExperimentId, body.RunName, body.StartTime, body.Tags ?? []), ct) });
        });
        runs.MapGet("/get", async (string? run_id, string? run_uuid, IMediator m, CancellationToken ct) =>
            MlflowJson.Ok(new { run = await m.Send(new GetMlflowRunQuery(Required(run_id ?? run_uuid, "run_id")), ct) }));
        runs.MapPost("/update", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<RunChangeBody>(request, ct);
            return MlflowJson.Ok(new { run_info = await m.Send(new UpdateMlflowRunCommand(body.Id, body.Status, body.EndTime, body.RunName), ct) });
        });
        runs.MapPost("/delete", (HttpRequest request, IMediator m, CancellationToken ct) => DeleteRun(request, m, restore: false, ct));
        runs.MapPost("/restore", (HttpRequest request, IMediator m, CancellationToken ct) => DeleteRun(request, m, restore: true, ct));
        runs.MapPost("/search", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<SearchRunsBody>(request, ct);
            var page = await m.Send(new SearchMlflowRunsQuery(body.ExperimentIds ?? [], body.Filter, Text(body.RunViewType), body.MaxResults ?? 1000,
                body.OrderBy ?? [], body.PageToken), ct);
            return MlflowJson.Ok(new { runs = page.Items, next_page_token = page.NextPageToken });
        });
        runs.MapPost("/log-metric", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<LogMetricBody>(request, ct);
            var metric = new MlflowMetricInput(body.Key, body.Value, body.Timestamp, body.Step);
            await m.Send(new LogToMlflowRunCommand(body.Id, [metric], [], []), ct);
            return MlflowJson.Empty();
        });
        runs.MapPost("/log-parameter", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<LogValueBody>(request, ct);
            await m.Send(new LogToMlflowRunCommand(body.Id, [], [new MlflowKeyValue(body.Key!, body.Value!)], []), ct);
            return MlflowJson.Empty();
        });
        runs.MapPost("/set-tag", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<LogValueBody>(request, ct);
            await m.Send(new SetMlflowRunTagCommand(body.Id, body.Key, body.Value), ct);
            return MlflowJson.Empty();
        });
        runs.MapPost("/delete-tag", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<LogValueBody>(request, ct);
            await m.Send(new DeleteMlflowRunTagCommand(body.Id, body.Key), ct);
            return MlflowJson.Empty();
        });
        runs.MapPost("/log-batch", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<LogBatchBody>(request, ct);
            var metrics = (body.Metrics ?? []).Select(x => x is null ? null : new MlflowMetricInput(x.Key, x.Value, x.Timestamp, x.Step)).ToList();
            await m.Send(new LogToMlflowRunCommand(body.RunId, metrics, body.Params ?? [], body.Tags ?? []), ct);
            return MlflowJson.Empty();
        });

        mlflow.MapGet("/metrics/get-history", async (string? run_id, string? run_uuid, string? metric_key, int? max_results, string? page_token,
            IMediator m, CancellationToken ct) =>
        {
            var page = await m.Send(new GetMlflowMetricHistoryQuery(Required(run_id ?? run_uuid, "run_id"), Required(metric_key, "metric_key"),
                max_results ?? 25_000, page_token), ct);
            return MlflowJson.Ok(new { metrics = page.Items, next_page_token = page.NextPageToken });
        });

        // Calls of MLflow's API this server does not offer (e.g. runs/log-inputs, logged-models) answer in MLflow's shape.
        mlflow.Map("/{**rest}", (string? rest) => TypedResults.Json(
            new MlflowErrors.Body("ENDPOINT_NOT_FOUND", $"This server does not offer /api/2.0/mlflow/{rest}: see the README's MLflow section for the calls it serves."),
            MlflowJson.Options, statusCode: StatusCodes.Status404NotFound));

        mlflow.MapGet("/artifacts/list", async (string? run_id, string? run_uuid, string? path, IMediator m, CancellationToken ct) =>
        {
            var listing = await m.Send(new ListMlflowArtifactsQuery(Required(run_id ?? run_uuid, "run_id"), path), ct);
            return MlflowJson.Ok(new { root_uri = listing.RootUri, files = listing.Files });
        });
    }

    private static JsonHttpResult<object> SearchExperiments(MlflowPage<MlflowExperiment> page) =>
        TypedResults.Json<object>(new { experiments = page.Items, next_page_token = page.NextPageToken }, MlflowJson.Options);

    private static async Task<JsonHttpResult<object>> ChangeLifecycle(HttpRequest request, IMediator m, bool delete, CancellationToken ct)
    {
        var body = await MlflowJson.ReadAsync<ExperimentChangeBody>(request, ct);
        await m.Send(new ChangeMlflowExperimentCommand(body.ExperimentId, null, delete, null), ct);
        return MlflowJson.Empty();
    }

    private static async Task<JsonHttpResult<object>> DeleteRun(HttpRequest request, IMediator m, bool restore, CancellationToken ct)
    {
        var body = await MlflowJson.ReadAsync<RunChangeBody>(request, ct);
        await m.Send(new DeleteMlflowRunCommand(body.Id, restore), ct);
        return MlflowJson.Empty();
    }

    /// <summary>A required field, refused in MLflow's words when absent.</summary>
    public static string Required(string? value, string field) =>
        string.IsNullOrEmpty(value) ? throw DomainException.Invalid($"Missing value for required parameter '{field}'.", field) : value;

    private static string? Text(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
        { ValueKind: JsonValueKind.Null } => null,
        _ => throw DomainException.Invalid("view_type must be ACTIVE_ONLY, DELETED_ONLY or ALL.", "view_type"),
    };
}
