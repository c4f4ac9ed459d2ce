using System.Security.Claims;

namespace CaptionBoundaries.Domain.Security;

/// <summary>The actor a signed-in principal (cookie or API token) stands for; anonymous when nobody is signed in.</summary>
public static class ActorClaims
{
    public static Actor ToActor(ClaimsPrincipal? user, string? remoteAddress)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity || string.IsNullOrEmpty(identity.Name)) return Actor.Anonymous with { RemoteAddress = remoteAddress };
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).Where(Roles.IsKnown).Distinct().ToList();
        return new Actor(identity.Name, roles, IsAuthenticated: true, remoteAddress);
    }

    public static ClaimsPrincipal ToPrincipal(Actor actor, string authenticationType) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, actor.Name), .. actor.Roles.Select(r => new Claim(ClaimTypes.Role, r))],
            authenticationType, ClaimTypes.Name, ClaimTypes.Role));
}
