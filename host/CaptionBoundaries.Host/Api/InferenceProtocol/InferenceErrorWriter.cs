using Microsoft.AspNetCore.Mvc;

namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// Under /v2 every error is the protocol's <c>{"error": "message"}</c>, with the same status the rest of the API gives
/// (400 naming each field, 401, 403, 404, 413, 429, 503): the exception handler, status-code pages, body limits and the
/// rate limiter all write through the problem-details service, and this writer comes first for /v2 paths. /api keeps
/// its ProblemDetails.
/// </summary>
public sealed class InferenceErrorWriter : IProblemDetailsWriter
{
    public static bool IsProtocolPath(PathString path) => path.StartsWithSegments(InferenceProtocolEndpoints.Prefix);

    public bool CanWrite(ProblemDetailsContext context) => IsProtocolPath(context.HttpContext.Request.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context) =>
        new(context.HttpContext.Response.WriteAsJsonAsync(new InferenceJson.Error(Message(context.ProblemDetails)), InferenceJson.Options));

    /// <summary>Field errors as "field: message" (all of them, so one answer lists everything to fix), else the detail, else the title.</summary>
    public static string Message(ProblemDetails problem)
    {
        if (problem is HttpValidationProblemDetails { Errors.Count: > 0 } validation)
            return Message(validation.Errors.SelectMany(e => e.Value.Select(m => (e.Key, m))));
        return problem.Detail ?? problem.Title ?? $"HTTP {problem.Status}";
    }

    /// <summary>A message that already quotes its field ('frame1') is not prefixed with it again.</summary>
    public static string Message(IEnumerable<(string Field, string Message)> errors) =>
        string.Join("; ", errors.Select(e => e.Field.Length == 0 || e.Message.StartsWith(e.Field, StringComparison.Ordinal) || e.Message.Contains($"'{e.Field}'", StringComparison.Ordinal) ? e.Message : $"{e.Field}: {e.Message}"));
}
