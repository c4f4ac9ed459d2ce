using CaptionBoundaries.Domain.Errors;
using Xunit;

namespace CaptionBoundaries.Tests.Support;

/// <summary>Asserts that a call is refused with a <see cref="DomainException"/> of the given kind, and returns it.</summary>
public static class Refused
{
    public static async Task<DomainException> As(DomainErrorKind kind, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<DomainException>(call);
        Assert.True(e.Kind == kind, $"expected a {kind} refusal, got {e.Kind}: {e.Message}");
        return e;
    }

    public static DomainException As(DomainErrorKind kind, Action call)
    {
        var e = Assert.Throws<DomainException>(call);
        Assert.True(e.Kind == kind, $"expected a {kind} refusal, got {e.Kind}: {e.Message}");
        return e;
    }
}
