namespace CaptionBoundaries.Domain.Errors;

/// <summary>
/// What kind of refusal a <see cref="DomainException"/> is, as the caller should understand it. The edges map each kind
/// to their own answer (HTTP status, gRPC status, CLI exit code); the domain never names a protocol.
/// </summary>
public enum DomainErrorKind
{
    /// <summary>The thing asked about does not exist (or is someone else's private model, which must look the same).</summary>
    NotFound,

    /// <summary>The input cannot be used; <see cref="DomainException.Field"/> names the field when one is to blame.</summary>
    Invalid,

    /// <summary>The input is well formed but the current state refuses it (a run that is not running, an existing admin).</summary>
    Conflict,
}
