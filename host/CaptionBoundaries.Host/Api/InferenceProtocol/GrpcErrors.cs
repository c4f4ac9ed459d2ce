using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Grpc.Core;

namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// The domain errors as gRPC statuses, the counterparts of the REST answers: a field error is INVALID_ARGUMENT naming
/// the input, a missing (or someone else's private) model or version NOT_FOUND, a role refusal PERMISSION_DENIED, a too
/// large input RESOURCE_EXHAUSTED, a busy or recovering node UNAVAILABLE. Anything else, framework exceptions included,
/// is a fault of ours and is left to gRPC (UNKNOWN, logged).
/// </summary>
public static class GrpcErrors
{
    public static async Task<T> Run<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (StatusOf(e) is { } status)
        {
            throw new RpcException(status);
        }
    }

    public static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);

    private static Status? StatusOf(Exception e) => e switch
    {
        ValidationException v => new Status(StatusCode.InvalidArgument, InferenceErrorWriter.Message(v.Errors.Select(f => (f.PropertyName, f.ErrorMessage)))),
        DomainException { Kind: DomainErrorKind.Invalid, Field: { } field } => new Status(StatusCode.InvalidArgument, InferenceErrorWriter.Message([(field, e.Message)])),
        DomainException { Kind: DomainErrorKind.Invalid } => new Status(StatusCode.InvalidArgument, e.Message),
        DomainException { Kind: DomainErrorKind.NotFound } => new Status(StatusCode.NotFound, e.Message),
        DomainException { Kind: DomainErrorKind.Conflict } => new Status(StatusCode.FailedPrecondition, e.Message),
        NotAuthenticatedException => new Status(StatusCode.Unauthenticated, e.Message),
        ForbiddenException => new Status(StatusCode.PermissionDenied, e.Message),
        InputTooLargeException => new Status(StatusCode.ResourceExhausted, e.Message),
        ServerBusyException or SiloUnavailableException or OrleansMessageRejectionException => new Status(StatusCode.Unavailable, e.Message),
        InputShapeException or ModelConfigException or UnknownPluginException => new Status(StatusCode.InvalidArgument, e.Message),
        _ => null,
    };
}
