using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using CaptionBoundaries.Application.Features.Webhooks;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Domain.Security.Paths;
using CaptionBoundaries.Infrastructure.Security.Paths;
using CaptionBoundaries.Contracts;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// Maps the errors users cause to ProblemDetails: validation failures become 400 with each field named, unknown
/// things 404, other refused input 400, a node lost moments ago 503 (retry). Anything else is a 500 (logged by the framework).
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails? problem = exception switch
        {
            ValidationException v => new ValidationProblemDetails(
                v.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray()))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is invalid.",
            },
            PathRefusedException p => new ValidationProblemDetails(new Dictionary<string, string[]> { [p.Field] = [p.Message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is invalid.",
            },
            ServerBusyException => Unavailable(http, "The node is busy.", exception.Message),
            InputTooLargeException => Problem(StatusCodes.Status413PayloadTooLarge, "The input is too large.", exception.Message),
            BadHttpRequestException b => Problem(b.StatusCode, "The request is malformed.", b.InnerException?.Message ?? b.Message),
            NotAuthenticatedException => Problem(StatusCodes.Status401Unauthorized, "Authentication required.", exception.Message),
            ForbiddenException => Problem(StatusCodes.Status403Forbidden, "Not allowed.", exception.Message),
            KeyNotFoundException => Problem(StatusCodes.Status404NotFound, "Not found.", exception.Message),
            UnknownPluginException => Problem(StatusCodes.Status400BadRequest, "Unknown plugin.", exception.Message),
            ModelConfigException m => Problem(StatusCodes.Status400BadRequest, $"Invalid model config '{m.Key}'.", exception.Message),
            InputShapeException s => Problem(StatusCodes.Status400BadRequest, $"Invalid input '{s.InputName}'.", exception.Message),
            UploadTooLargeException => Problem(StatusCodes.Status413PayloadTooLarge, "The upload is too large.", exception.Message),
            WebhookNotDeadLetteredException => Problem(StatusCodes.Status409Conflict, "Not a dead letter.", exception.Message),
            CorruptBlobException => Problem(StatusCodes.Status422UnprocessableEntity, "A stored blob is damaged.", exception.Message),
            // A grain that lived on a node that just died is unreachable until the cluster declares the node dead
            // (seconds); then it is activated again elsewhere, so the caller should simply retry.
            SiloUnavailableException or OrleansMessageRejectionException => Unavailable(http,
                "The cluster is recovering from a lost node; retry in a few seconds.", exception.Message),
            CorruptCheckpointException or DatasetFormatException or FileNotFoundException or ArgumentException or NotSupportedException
                => Problem(StatusCodes.Status400BadRequest, "The request cannot be processed.", exception.Message),
            _ => null,
        };
        if (problem is null) return false;
        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Unavailable(HttpContext http, string title, string detail)
    {
        http.Response.Headers.RetryAfter = "2";
        return Problem(StatusCodes.Status503ServiceUnavailable, title, detail);
    }

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };
}
