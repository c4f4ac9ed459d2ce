using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Grpc.Core;

namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// The domain errors as gRPC statuses, the counterparts of the REST answers: a field error is INVALID_ARGUMENT naming
/// the input, a missing (or someone else's private) model or version NOT_FOUND, a role refusal PERMISSION_DENIED, a too
/// large input RESOURCE_EXHAUSTED, a busy or recovering node UNAVAILABLE. Anything else is left to gRPC (UNKNOWN, logged).
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
        KeyNotFoundException => new Status(StatusCode.NotFound, e.Message),
        NotAuthenticatedException => new Status(StatusCode.Unauthenticated, e.Message),
        ForbiddenException => new Status(StatusCode.PermissionDenied, e.Message),
        InputTooLargeException => new Status(StatusCode.ResourceExhausted, e.Message),
        ServerBusyException or SiloUnavailableException or OrleansMessageRejectionException => new Status(StatusCode.Unavailable, e.Message),
        ArgumentException or NotSupportedException => new Status(StatusCode.InvalidArgument, e.Message),
        _ => null,
    };
}
