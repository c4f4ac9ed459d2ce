using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using FluentValidation;

namespace CaptionBoundaries.Host.Api.Mlflow;

/// <summary>
/// The MLflow edge answers errors as MLflow does: <c>{"error_code": "...", "message": "..."}</c> with the REST
/// reference's codes (RESOURCE_DOES_NOT_EXIST 404, INVALID_PARAMETER_VALUE 400, RESOURCE_ALREADY_EXISTS 400,
/// PERMISSION_DENIED 403, UNAUTHENTICATED 401). Only the project's own refusal types are mapped; anything else is a
/// fault of ours, left to the framework (logged, 500).
/// </summary>
public static class MlflowErrors
{
    public sealed record Body(string ErrorCode, string Message);

    public static TBuilder WithMlflowErrors<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception e) when (For(e) is { } error)
            {
                return TypedResults.Json(new Body(error.Code, e.Message), MlflowJson.Options, statusCode: error.Status);
            }
        });

    public static (int Status, string Code)? For(Exception exception) => exception switch
    {
        MlflowException m => (m.Status, m.ErrorCode),
        ValidationException => (StatusCodes.Status400BadRequest, "INVALID_PARAMETER_VALUE"),
        DomainException { Kind: DomainErrorKind.NotFound } => (StatusCodes.Status404NotFound, "RESOURCE_DOES_NOT_EXIST"),
        DomainException { Kind: DomainErrorKind.Invalid } => (StatusCodes.Status400BadRequest, "INVALID_PARAMETER_VALUE"),
        DomainException { Kind: DomainErrorKind.Conflict } e when e.Message.Contains("already exists", StringComparison.Ordinal) =>
            (StatusCodes.Status400BadRequest, "RESOURCE_ALREADY_EXISTS"),
        DomainException { Kind: DomainErrorKind.Conflict } => (StatusCodes.Status400BadRequest, "INVALID_STATE"),
        NotAuthenticatedException => (StatusCodes.Status401Unauthorized, "UNAUTHENTICATED"),
        ForbiddenException => (StatusCodes.Status403Forbidden, "PERMISSION_DENIED"),
        UploadTooLargeException or InputTooLargeException => (StatusCodes.Status413PayloadTooLarge, "RESOURCE_LIMIT_EXCEEDED"),
        BadHttpRequestException b => (b.StatusCode, b.StatusCode == StatusCodes.Status413PayloadTooLarge ? "RESOURCE_LIMIT_EXCEEDED" : "BAD_REQUEST"),
        CorruptBlobException => (StatusCodes.Status500InternalServerError, "DATA_LOSS"),
        _ => null,
    };
}
