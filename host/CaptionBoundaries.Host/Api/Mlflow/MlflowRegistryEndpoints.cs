using CaptionBoundaries.Application.Features.Mlflow;
using CaptionBoundaries.Host.Server.Security;
using Mediator;
using static CaptionBoundaries.Host.Api.Mlflow.MlflowTrackingEndpoints;

namespace CaptionBoundaries.Host.Api.Mlflow;

/// <summary>MLflow's model registry calls (registered models, model versions, aliases), mapped onto the project's registry.</summary>
public static class MlflowRegistryEndpoints
{
    public static void MapMlflowRegistry(this RouteGroupBuilder mlflow)
    {
        var models = mlflow.MapGroup("/registered-models");
        models.MapPost("/create", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<CreateRegisteredModelBody>(request, ct);
            return MlflowJson.Ok(new { registered_model = await m.Send(new CreateMlflowRegisteredModelCommand(body.Name ?? "", body.Description), ct) });
        });
        models.MapGet("/get", async (string? name, IMediator m, CancellationToken ct) =>
            MlflowJson.Ok(new { registered_model = await m.Send(new GetMlflowRegisteredModelQuery(Required(name, "name")), ct) }));
        models.MapGet("/search", async (string? filter, int? max_results, string? page_token, IMediator m, CancellationToken ct) =>
        {
            var page = await m.Send(new SearchMlflowRegisteredModelsQuery(filter, max_results ?? 100, page_token), ct);
            return MlflowJson.Ok(new { registered_models = page.Items, next_page_token = page.NextPageToken });
        });
        models.MapPost("/search", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<SearchRegisteredModelsBody>(request, ct);
            var page = await m.Send(new SearchMlflowRegisteredModelsQuery(body.Filter, body.MaxResults ?? 100, body.PageToken), ct);
            return MlflowJson.Ok(new { registered_models = page.Items, next_page_token = page.NextPageToken });
        });
        models.MapGet("/alias", async (string? name, string? alias, IMediator m, CancellationToken ct) =>
            MlflowJson.Ok(new { model_version = await m.Send(new GetMlflowModelVersionQuery(Required(name, "name"), null, Required(alias, "alias")), ct) }));
        models.MapPost("/alias", async (HttpRequest request, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<SetAliasBody>(request, ct);
            await m.Send(new SetMlflowModelAliasCommand(body.Name ?? "", body.Alias, body.Version), ct);
            return MlflowJson.Empty();
        });

        var versions = mlflow.MapGroup("/model-versions");
        versions.MapPost("/create", async (HttpRequest request, SecurityOptions limits, IMediator m, CancellationToken ct) =>
        {
            var body = await MlflowJson.ReadAsync<CreateModelVersionBody>(request, ct);
            var command = new CreateMlflowModelVersionCommand(body.Name ?? "", body.Source, body.RunId, limits.MaxUploadMegabytes * 1024L * 1024L);
            return MlflowJson.Ok(new { model_version = await m.Send(command, ct) });
        });
        versions.MapGet("/get", async (string? name, string? version, IMediator m, CancellationToken ct) =>
            MlflowJson.Ok(new { model_version = await m.Send(new GetMlflowModelVersionQuery(Required(name, "name"), Required(version, "version"), null), ct) }));
    }
}
