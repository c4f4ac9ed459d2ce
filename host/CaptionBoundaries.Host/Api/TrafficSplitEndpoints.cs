using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

/// <summary>/api/models/{model}/split: canary and shadow candidates next to the production version (docs/traffic-split.md).</summary>
public static class TrafficSplitEndpoints
{
    /// <summary>Every member optional so a missing one is named by the validator (400), not lost in binding.</summary>
    public sealed record SplitRequest(string? Mode, int? Version, int? SharePercent, string? Reason);

    public sealed record SplitStepRequest(string? Reason);

    public static void MapTrafficSplitEndpoints(this IEndpointRouteBuilder api)
    {
        var split = api.MapGroup("/models/{model}/split").WithTags("Models");

        split.MapGet("/", async (string model, IMediator m, CancellationToken ct) => await m.Send(new GetTrafficSplitQuery(model), ct))
            .WithSummary("The running canary or shadow (if any) and this node's serving figures per version: requests by route, latency p50/p95/p99, errors, class mix, shadow disagreement.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        split.MapPut("/", async (string model, SplitRequest body, IMediator m, CancellationToken ct) =>
                Outcome(await m.Send(new SetTrafficSplitCommand(model, body.Mode ?? "", body.Version ?? 0, body.SharePercent, body.Reason ?? ""), ct)))
            .WithSummary("Start a canary ({\"mode\":\"canary\",\"version\":3,\"share_percent\":20}) or a shadow ({\"mode\":\"shadow\",\"version\":3}) " +
                "next to production, or change the running canary's share. The candidate is validated like a switch; another split running is 409.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);

        split.MapPost("/promote", async (string model, SplitStepRequest? body, IMediator m, CancellationToken ct) =>
                Outcome(await m.Send(new PromoteTrafficSplitCommand(model, body?.Reason ?? ""), ct)))
            .WithSummary("The candidate becomes the production version (validated switch) and the split ends.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);

        split.MapPost("/abort", async (string model, SplitStepRequest? body, IMediator m, CancellationToken ct) =>
                Outcome(await m.Send(new AbortTrafficSplitCommand(model, body?.Reason ?? ""), ct)))
            .WithSummary("End the split; production is unchanged.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);
    }

    private static Results<Ok<SplitResult>, ProblemHttpResult> Outcome(SplitResult result) =>
        !result.Refused
            ? TypedResults.Ok(result)
            : TypedResults.Problem(title: "Refused; the model serves as before.", detail: result.Reason, statusCode: Status409Conflict,
                extensions: new Dictionary<string, object?> { ["active_version"] = result.ActiveVersion, ["split"] = result.Split });
}
