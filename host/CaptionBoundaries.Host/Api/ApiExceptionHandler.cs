using CaptionBoundaries.Application.Features.Webhooks;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// Maps the errors users cause to ProblemDetails, one type at a time: validation failures become 400 with each field
/// named, a <see cref="DomainException"/> its kind's status (not found 404, invalid 400 naming the field when it has one,
/// conflict 409), the few specialised refusals theirs, a node lost moments ago 503 (retry). Nothing is matched by a
/// framework base type: a <see cref="KeyNotFoundException"/> or <see cref="ArgumentException"/> from our own code is a
/// bug, so it is left to the framework, which logs it and answers 500.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (ProblemFor(exception) is not { } problem) return false;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable) http.Response.Headers.RetryAfter = "2";
        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The answer to an error a caller caused, or null for one of ours (a 500).</summary>
    private static ProblemDetails? ProblemFor(Exception exception) => exception switch
    {
        ValidationException v => Invalid(v.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray())),
        DomainException { Kind: DomainErrorKind.Invalid, Field: { } field } d => Invalid(new Dictionary<string, string[]> { [field] = [d.Message] }),
        DomainException { Kind: DomainErrorKind.Invalid } => Problem(StatusCodes.Status400BadRequest, CannotBeProcessed, exception.Message),
        DomainException { Kind: DomainErrorKind.NotFound } => Problem(StatusCodes.Status404NotFound, "Not found.", exception.Message),
        DomainException { Kind: DomainErrorKind.Conflict } => Problem(StatusCodes.Status409Conflict, "The request conflicts with the current state.", exception.Message),
        ServerBusyException => Problem(StatusCodes.Status503ServiceUnavailable, "The node is busy.", exception.Message),
        InputTooLargeException => Problem(StatusCodes.Status413PayloadTooLarge, "The input is too large.", exception.Message),
        BadHttpRequestException b => Problem(b.StatusCode, "The request is malformed.", b.InnerException?.Message ?? b.Message),
        NotAuthenticatedException => Problem(StatusCodes.Status401Unauthorized, "Authentication required.", exception.Message),
        ForbiddenException => Problem(StatusCodes.Status403Forbidden, "Not allowed.", exception.Message),
        UnknownPluginException => Problem(StatusCodes.Status400BadRequest, "Unknown plugin.", exception.Message),
        ModelConfigException m => Problem(StatusCodes.Status400BadRequest, $"Invalid model config '{m.Key}'.", exception.Message),
        InputShapeException s => Problem(StatusCodes.Status400BadRequest, $"Invalid input '{s.InputName}'.", exception.Message),
        UploadTooLargeException => Problem(StatusCodes.Status413PayloadTooLarge, "The upload is too large.", exception.Message),
        WebhookNotDeadLetteredException => Problem(StatusCodes.Status409Conflict, "Not a dead letter.", exception.Message),
        CorruptBlobException => Problem(StatusCodes.Status422UnprocessableEntity, "A stored blob is damaged.", exception.Message),
        // A checkpoint or dataset the caller named that is damaged or breaks the format.
        CorruptCheckpointException or DatasetFormatException => Problem(StatusCodes.Status400BadRequest, CannotBeProcessed, exception.Message),
        // A grain that lived on a node that just died is unreachable until the cluster declares the node dead
        // (seconds); then it is activated again elsewhere, so the caller should simply retry.
        SiloUnavailableException or OrleansMessageRejectionException => Problem(StatusCodes.Status503ServiceUnavailable,
            "The cluster is recovering from a lost node; retry in a few seconds.", exception.Message),
        _ => null,
    };

    private const string CannotBeProcessed = "The request cannot be processed.";

    private static ValidationProblemDetails Invalid(IDictionary<string, string[]> errors) =>
        new(errors) { Status = StatusCodes.Status400BadRequest, Title = "The request is invalid." };

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };
}
