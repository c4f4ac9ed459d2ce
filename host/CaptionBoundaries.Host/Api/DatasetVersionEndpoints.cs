using CaptionBoundaries.Application.Features.DatasetVersions;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

public static class DatasetVersionEndpoints
{
    public sealed record CreateVersionRequest(string Folder, string? Message);

    public sealed record CheckoutRequest(string OutputFolder);

    public static void MapDatasetVersionEndpoints(this IEndpointRouteBuilder api)
    {
        var datasets = api.MapGroup("/datasets").WithTags("Dataset versions");

        datasets.MapGet("/versions", async (string? name, IMediator m, CancellationToken ct) => await m.Send(new ListDatasetVersionsQuery(name), ct))
            .WithSummary("Dataset versions, newest first (optionally of one dataset).")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        datasets.MapPost("/{name}/versions", async (string name, CreateVersionRequest body, IMediator m, CancellationToken ct) =>
        {
            var created = await m.Send(new CreateDatasetVersionCommand(name, body.Folder ?? "", body.Message), ct);
            return TypedResults.Created($"/api/datasets/{name}/versions/{created.Version.Version}", created);
        }).WithSummary("Record a folder as the dataset's next immutable version; only content not yet stored is written.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden);

        datasets.MapGet("/{name}/versions/{version:int}", async (string name, int version, IMediator m, CancellationToken ct) =>
            await m.Send(new GetDatasetVersionQuery(name, version), ct))
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        datasets.MapPost("/{name}/versions/{version:int}/checkout", async (string name, int version, CheckoutRequest body, IMediator m, CancellationToken ct) =>
            await m.Send(new CheckoutDatasetVersionCommand(name, version, body.OutputFolder ?? ""), ct))
            .WithSummary("Materialise a version into an empty folder, verifying every blob.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status422UnprocessableEntity);

        datasets.MapGet("/{name}/versions/{version:int}/verify", async (string name, int version, IMediator m, CancellationToken ct) =>
            await m.Send(new VerifyDatasetVersionQuery(name, version), ct))
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        datasets.MapGet("/{name}/versions/{version:int}/lineage", async (string name, int version, IMediator m, CancellationToken ct) =>
            await m.Send(new DatasetLineageQuery(name, version), ct))
            .WithSummary("The version's blobs and the experiments trained on its content.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        datasets.MapGet("/blobs/{sha}", async (string sha, IMediator m, CancellationToken ct) => await m.Send(new BlobVersionsQuery(sha), ct))
            .WithSummary("Which versions reference a blob.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        datasets.MapPost("/gc", async (bool? dryRun, IMediator m, CancellationToken ct) => await m.Send(new CollectGarbageCommand(dryRun ?? false), ct))
            .WithSummary("Delete blobs no version references (blobs younger than the grace period are kept).")
            .ProducesProblems(Status400BadRequest, Status403Forbidden);
    }
}
