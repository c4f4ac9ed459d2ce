using CaptionBoundaries.Domain.Security;
namespace CaptionBoundaries.Infrastructure.Security;

/// <summary>
/// An admin disables an account by locking it out "forever" (<see cref="DateTimeOffset.MaxValue"/>); a lockout that
/// ends, set by failed sign-ins, is throttling and not disabling. Only a disabled account loses its API tokens:
/// otherwise anyone who knows a service account's name could lock it and cut its clients off with ten wrong passwords.
/// </summary>
public static class DisabledAccounts
{
    public static readonly DateTimeOffset LockoutEnd = DateTimeOffset.MaxValue;

    // By year rather than by equality: PostgreSQL keeps microseconds (or 'infinity'), so MaxValue may come back a tick short.
    public static bool IsDisabled(AppUser user) => user.LockoutEnd is { } end && end.Year >= LockoutEnd.Year;
}
