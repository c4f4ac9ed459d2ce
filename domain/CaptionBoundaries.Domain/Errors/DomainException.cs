namespace CaptionBoundaries.Domain.Errors;

/// <summary>
/// A refusal the caller caused: something not found, input that cannot be used, a request the current state refuses.
/// The message is for the caller (it says what is wrong and, where it helps, what to do). It crosses grain calls intact
/// (Grains.Abstractions registers its codec), so a grain's refusal reaches the edge with its kind and field. Anything
/// that is not a <see cref="DomainException"/> (or one of the few specialised refusals the edges name) is a fault of
/// ours and is answered as such (HTTP 500, logged).
/// </summary>
public sealed class DomainException(DomainErrorKind kind, string message, string? field = null) : Exception(message)
{
    public DomainErrorKind Kind { get; } = kind;

    /// <summary>The request field to blame (as the caller spelt it, e.g. <c>stages[1].freeze</c>), or null.</summary>
    public string? Field { get; } = field;

    public static DomainException NotFound(string message) => new(DomainErrorKind.NotFound, message);

    public static DomainException Invalid(string message, string? field = null) => new(DomainErrorKind.Invalid, message, field);

    public static DomainException Conflict(string message) => new(DomainErrorKind.Conflict, message);
}
