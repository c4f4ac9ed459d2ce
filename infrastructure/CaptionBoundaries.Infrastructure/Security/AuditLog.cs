using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Infrastructure.Security;

/// <summary>
/// Writes audit entries in a scope of their own, so an entry is stored even when the request's own unit of work
/// failed or was refused.
/// </summary>
public sealed class AuditLog(IServiceScopeFactory scopes, TimeProvider clock, ILogger<AuditLog> logger)
{
    public async Task WriteAsync(Actor actor, string action, string details, string outcome)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            db.AuditEntries.Add(new AuditEntry
            {
                AtUtc = clock.GetUtcNow().UtcDateTime,
                Actor = actor.Name,
                Roles = string.Join(",", actor.Roles),
                RemoteAddress = actor.RemoteAddress,
                Action = action,
                Details = details,
                Outcome = outcome.Length > 2000 ? outcome[..2000] : outcome,
            });
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // The change itself already happened (or was refused); losing its audit line must be loud, not fatal.
            logger.LogError(e, "Could not write the audit entry for {Actor}: {Action} ({Outcome})", actor.Name, action, outcome);
        }
    }
}
