using CaptionBoundaries.Application.Features.Explain;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Explain;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

/// <summary>Grad-CAM explanations; every PNG (input, overlay, bare heatmap) travels as base64 in the JSON.</summary>
public static class ExplainEndpoints
{
    public sealed record ExplainRequest(
        string DatasetFolder, string CheckpointPath, string[]? SampleIds, string? Split, int? Limit, bool? OnlyMisclassified, string? Target, string? Device);

    public static void MapExplainEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/explain", async (ExplainRequest body, IMediator m, CancellationToken ct) =>
            await m.Send(new ExplainSamplesCommand(body.DatasetFolder ?? "", body.CheckpointPath ?? "", null, body.SampleIds,
                body.Split ?? DatasetSplit.Validation, body.Limit ?? 16, body.OnlyMisclassified ?? false, body.Target ?? ExplainTarget.Predicted, body.Device ?? "cpu"), ct))
            .WithTags("Explain")
            .WithSummary("Grad-CAM heatmaps over frame1, frame2 and ocr_viz for samples of a dataset folder, with a model rebuilt from a checkpoint.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden);

        var runs = api.MapGroup("/experiments").WithTags("Explain");

        runs.MapGet("/{id}/confusion/{trueClass}/{predictedClass}", async (string id, string trueClass, string predictedClass, int? skip, int? take, IMediator m, CancellationToken ct) =>
            await m.Send(new GetConfusionCellSamplesQuery(id, trueClass, predictedClass, skip ?? 0, take ?? 6), ct))
            .WithSummary("The validation samples of one confusion-matrix cell (true class, predicted class) for the run's best checkpoint, with Grad-CAM overlays of the predicted class.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        runs.MapGet("/{id}/explain", async (string id, int sample, string? target, IMediator m, CancellationToken ct) =>
            await m.Send(new ExplainRunSampleQuery(id, sample, target ?? ExplainTarget.Predicted), ct))
            .WithSummary("One validation sample of the run (by index), predicted by its best checkpoint and explained with Grad-CAM.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);
    }
}
