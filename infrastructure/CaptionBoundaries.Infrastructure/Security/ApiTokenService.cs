using System.Security.Cryptography;
using System.Text;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Security;

/// <summary>
/// Personal API tokens: "cbt_" + 32 random bytes (base64url). The database keeps the SHA-256 only, so a leaked
/// database does not leak tokens; a token is refused once expired or revoked, or
/// once its account is disabled (a sign-in lockout does not touch tokens). Scoped: uses the request's context.
/// </summary>
public sealed class ApiTokenService(TrackingDbContext db, UserManager<AppUser> users, TimeProvider clock)
{
    public const string TokenPrefix = "cbt_";
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    public async Task<(ApiToken Record, string Token)> CreateAsync(AppUser user, string name, TimeSpan lifetime, CancellationToken ct)
    {
        var token = TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = clock.GetUtcNow().UtcDateTime;
        var record = new ApiToken
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            UserName = user.UserName!,
            Name = name,
            Prefix = token[..12],
            Sha256 = Hash(token),
            CreatedAtUtc = now,
            ExpiresAtUtc = now + lifetime,
        };
        db.ApiTokens.Add(record);
        await db.SaveChangesAsync(ct);
        return (record, token);
    }

    /// <summary>The actor a token stands for, or why it does not stand for anyone.</summary>
    public async Task<(Actor? Actor, string? Refusal)> AuthenticateAsync(string token, string? remoteAddress, CancellationToken ct)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return (null, "not a CaptionBoundaries API token");
        var hash = Hash(token);
        var record = await db.ApiTokens.SingleOrDefaultAsync(t => t.Sha256 == hash, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (record is null) return (null, "unknown token");
        if (record.RevokedAtUtc is not null) return (null, "token revoked");
        if (record.ExpiresAtUtc <= now) return (null, $"token expired at {record.ExpiresAtUtc:u}");
        var user = await users.FindByIdAsync(record.UserId);
        if (user is null) return (null, "the token's account no longer exists");
        // Disabled by an admin, not locked by failed sign-ins: a stranger's wrong passwords must not stop a serving client.
        if (DisabledAccounts.IsDisabled(user)) return (null, "the token's account is disabled");
        var roles = await users.GetRolesAsync(user);
        // Recording every use would write on every request; once a minute is enough to show a token is alive.
        if (record.LastUsedAtUtc is null || now - record.LastUsedAtUtc > TimeSpan.FromMinutes(1))
        {
            record.LastUsedAtUtc = now;
            await db.SaveChangesAsync(ct);
        }
        return (new Actor(user.UserName!, roles.ToList(), IsAuthenticated: true, remoteAddress), null);
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
