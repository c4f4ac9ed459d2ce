using CaptionBoundaries.Domain.Errors;

namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>
/// How a <see cref="DomainException"/> thrown in a grain reaches its caller on another node (or a cluster client): the
/// domain knows nothing of Orleans, and Orleans' own exception codec only carries a message (and only for System,
/// Microsoft and Azure types), so the kind and field travel in this surrogate. The stack trace stays on the node that
/// threw: a refusal the caller caused is answered, not debugged.
/// </summary>
[GenerateSerializer, Alias("CaptionBoundaries.DomainError")]
public struct DomainErrorSurrogate
{
    /// <summary>The kind by name, so a renumbered enum cannot turn a NotFound into a Conflict between versions.</summary>
    [Id(0)] public string Kind;
    [Id(1)] public string Message;
    [Id(2)] public string? Field;
}

[RegisterConverter]
public sealed class DomainErrorConverter : IConverter<DomainException, DomainErrorSurrogate>
{
    public DomainException ConvertFromSurrogate(in DomainErrorSurrogate surrogate) =>
        // A kind this node does not know (a newer node sent it) is still the caller's fault: it is answered as invalid input.
        new(Enum.TryParse<DomainErrorKind>(surrogate.Kind, out var kind) ? kind : DomainErrorKind.Invalid, surrogate.Message, surrogate.Field);

    public DomainErrorSurrogate ConvertToSurrogate(in DomainException value) =>
        new() { Kind = value.Kind.ToString(), Message = value.Message, Field = value.Field };
}
