using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Domain.Datasets;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

public static class BenchmarkEndpoints
{
    public sealed record BenchmarkRequest(string? DatasetFolder, int[]? Versions, string? Split, string? Device);

    public static void MapBenchmarkEndpoints(this IEndpointRouteBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Benchmarks");

        models.MapPost("/{model}/benchmark", async (string model, BenchmarkRequest body, IMediator m, CancellationToken ct) =>
        {
            var run = await m.Send(new RunBenchmarkCommand(model, body.DatasetFolder ?? "", body.Versions ?? [],
                body.Split ?? DatasetSplit.Validation, body.Device ?? "cpu"), ct);
            return TypedResults.Created($"/api/models/performance/{model}", run);
        }).WithSummary("Benchmark versions (none given: all) on a dataset folder's split (val by default, or train, all); recorded as one run.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);

        // A literal first segment outranks the {model} parameter in routing, so this never shadows /models/{model}.
        models.MapGet("/performance/{model}", async (string model, IMediator m, CancellationToken ct) =>
            await m.Send(new GetModelPerformanceQuery(model), ct))
            .WithSummary("The model's performance table: every benchmark run, newest first, with per-version results.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        models.MapGet("/{model}/compare", async (string model, string? versions, IMediator m, CancellationToken ct) =>
            await m.Send(new CompareModelVersionsQuery(model, ParseVersions(versions)), ct))
            .WithSummary("Versions side by side (versions=1,2): registration facts and latest benchmark, differing rows flagged.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        models.MapGet("/{model}/metrics/{metric}/history", async (string model, string metric, IMediator m, CancellationToken ct) =>
            await m.Send(new GetMetricHistoryQuery(model, metric), ct))
            .WithSummary("One metric across the model's versions, in version order.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);
    }

    /// <summary>"1,2,3" as version numbers; anything else is a 400 naming the versions field.</summary>
    public static IReadOnlyList<int> ParseVersions(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var versions = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, out var v))
                throw new ValidationException([new ValidationFailure("versions", $"'{part}' is not a version number; use e.g. versions=1,2.")]);
            versions.Add(v);
        }
        return versions;
    }
}
