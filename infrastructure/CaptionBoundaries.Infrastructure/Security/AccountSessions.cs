using System.Security.Claims;
using CaptionBoundaries.Domain.Security;
using Microsoft.AspNetCore.Identity;

namespace CaptionBoundaries.Infrastructure.Security;

/// <summary>
/// Whether a signed-in session (the console's cookie principal) still stands, and with which roles. A session ends
/// when its account is gone or disabled, or when the account's security stamp moved on since sign-in (an admin
/// disabled it or changed its role): the console then acts for nobody instead of for the account's old rights.
/// Scoped: reads through the scope's <see cref="UserManager{TUser}"/>.
/// </summary>
public sealed class AccountSessions(UserManager<AppUser> users)
{
    /// <summary>The actor the principal stands for right now (roles as stored, not as signed in), or anonymous.</summary>
    public async Task<Actor> CurrentActorAsync(ClaimsPrincipal principal, string? remoteAddress)
    {
        var nobody = Actor.Anonymous with { RemoteAddress = remoteAddress };
        if (principal.Identity is not { IsAuthenticated: true }) return nobody;
        var user = await CurrentUserAsync(principal);
        if (user is null) return nobody;
        var roles = (await users.GetRolesAsync(user)).Where(Roles.IsKnown).ToList();
        return new Actor(user.UserName!, roles, IsAuthenticated: true, remoteAddress);
    }

    public async Task<bool> StillStandsAsync(ClaimsPrincipal principal) => await CurrentUserAsync(principal) is not null;

    private async Task<AppUser?> CurrentUserAsync(ClaimsPrincipal principal)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || DisabledAccounts.IsDisabled(user)) return null;
        if (!users.SupportsUserSecurityStamp) return user;
        var signedInStamp = principal.FindFirstValue(users.Options.ClaimsIdentity.SecurityStampClaimType);
        return signedInStamp == await users.GetSecurityStampAsync(user) ? user : null;
    }
}
