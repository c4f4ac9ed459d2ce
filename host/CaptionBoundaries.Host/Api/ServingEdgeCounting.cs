using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Infrastructure.Registry;
using CaptionBoundaries.Serving;
using Microsoft.AspNetCore.Routing.Patterns;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// Counts the prediction requests that fail before they reach the predictor grain: refused at authentication (401), by
/// role (403), by the rate limit (429), for their size (413), their input (400/415), a model the caller may not see or
/// that does not exist (404), an overloaded or recovering node (503) or a fault (500). The grain counts everything it
/// receives; <see cref="PredictionAttempt"/> says whether a request got there, so nothing is counted twice.
/// <para>
/// An endpoint is a serving endpoint when it is marked with <see cref="CountsAsServing{TBuilder}"/>, or when its route
/// pattern is one of the serving shapes (<c>…/models/{m}/predict</c>, <c>…/models/{m}/predict/batch</c>,
/// <c>/v2/models/{m}[/versions/{v}]/infer</c>), so new endpoints of those shapes are counted without a line of their own.
/// The model label is the route value after the <c>models</c> segment, used only when that model is registered
/// (else <see cref="ServingMetrics.UnknownModel"/>).
/// </para>
/// </summary>
public static class ServingEdgeCounting
{
    /// <summary>Endpoint metadata: requests to this endpoint are predictions, and <see cref="ModelRouteValue"/> names the model.</summary>
    public sealed record ServingEndpoint(string ModelRouteValue);

    /// <summary>
    /// Marks an endpoint as a serving endpoint, so its failures before the predictor are counted in the serving metrics.
    /// <paramref name="modelRouteValue"/> is the route parameter that holds the model name.
    /// </summary>
    public static TBuilder CountsAsServing<TBuilder>(this TBuilder builder, string modelRouteValue = "model") where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ServingEndpoint(modelRouteValue));

    /// <summary>The serving description of an endpoint: its marker, or one read from a serving route shape; null for other endpoints.</summary>
    public static ServingEndpoint? ServingOf(Endpoint? endpoint)
    {
        if (endpoint is null) return null;
        if (endpoint.Metadata.GetMetadata<ServingEndpoint>() is { } marked) return marked;
        return endpoint is RouteEndpoint route && ModelParameterOfServingShape(route.RoutePattern) is { } parameter
            ? new ServingEndpoint(parameter)
            : null;
    }

    /// <summary>
    /// The model parameter of a serving-shaped pattern: a literal <c>models</c> segment, then a parameter, then either
    /// <c>predict</c> [<c>batch</c>], or (Open Inference Protocol) [<c>versions</c>/{v}] <c>infer</c>.
    /// </summary>
    public static string? ModelParameterOfServingShape(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(Describe).ToList();
        for (var i = 0; i + 1 < segments.Count; i++)
        {
            if (segments[i] != "models" || !segments[i + 1].StartsWith('{')) continue;
            var rest = segments.Skip(i + 2).Select(s => s.StartsWith('{') ? "{}" : s).ToArray();
            string[][] shapes = [["predict"], ["predict", "batch"], ["infer"], ["versions", "{}", "infer"]];
            if (shapes.Any(shape => shape.SequenceEqual(rest))) return segments[i + 1].Trim('{', '}');
        }
        return null;
    }

    private static string Describe(RoutePatternPathSegment segment) =>
        segment.IsSimple && segment.Parts[0] is RoutePatternParameterPart p ? "{" + p.Name + "}"
        : string.Concat(segment.Parts.Select(part => part is RoutePatternLiteralPart l ? l.Content : "{?}"));

    /// <summary>The failure reason of a status a serving endpoint answered with; null for a success.</summary>
    public static string? ReasonFor(int status) => status switch
    {
        < 400 => null,
        StatusCodes.Status401Unauthorized => ServingFailureReasons.Unauthenticated,
        StatusCodes.Status403Forbidden => ServingFailureReasons.Forbidden,
        StatusCodes.Status404NotFound => ServingFailureReasons.NotFound,
        StatusCodes.Status413PayloadTooLarge => ServingFailureReasons.TooLarge,
        StatusCodes.Status429TooManyRequests => ServingFailureReasons.RateLimited,
        StatusCodes.Status503ServiceUnavailable => ServingFailureReasons.Unavailable,
        >= 500 => ServingFailureReasons.Internal,
        _ => ServingFailureReasons.BadInput,
    };

    /// <summary>
    /// After routing, before authentication: every later refusal (401, 403, 429, 413, the exception handler's 4xx/5xx)
    /// is seen when the response starts, with its final status.
    /// </summary>
    public static void UseServingFailureCounting(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (ServingOf(http.GetEndpoint()) is not { } serving)
        {
            await next(http);
            return;
        }
        var registered = http.RequestServices.GetRequiredService<RegisteredModels>();
        var named = http.Request.RouteValues.TryGetValue(serving.ModelRouteValue, out var value) ? value?.ToString() : null;
        // Read before the request runs (async, a cached list): the count itself happens in a synchronous callback.
        var model = named is { Length: > 0 } && await registered.IsRegisteredAsync(named, http.RequestAborted) ? named : ServingMetrics.UnknownModel;
        http.Response.OnStarting(() =>
        {
            if (ReasonFor(http.Response.StatusCode) is { } reason
                && http.RequestServices.GetService<PredictionAttempt>() is not { ReachedPredictor: true })
                http.RequestServices.GetRequiredService<ServingRecorder>().Failed(model, null, reason);
            return Task.CompletedTask;
        });
        await next(http);
    });
}
