using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Registry;

/// <summary>
/// Who owns a model (whoever registered its first version) and the one rule for changing what it serves or how it is
/// watched: its owner or an admin. Used by the registry and by monitoring (thresholds, references, alerts).
/// </summary>
public static class ModelOwnership
{
    public static async Task<string?> OwnerOfAsync(TrackingDbContext db, string model, CancellationToken ct) =>
        await db.ModelAccess.Where(a => a.ModelName == model).Select(a => a.Owner).FirstOrDefaultAsync(ct)
        ?? await db.ModelVersions.Where(v => v.ModelName == model).OrderBy(v => v.Version).Select(v => v.CreatedBy).FirstOrDefaultAsync(ct);

    public static async Task EnsureGovernsAsync(TrackingDbContext db, Actor actor, string model, string what, CancellationToken ct)
    {
        if (actor.IsAdmin) return;
        var owner = await OwnerOfAsync(db, model, ct);
        if (owner != actor.Name)
            throw new ForbiddenException($"Only an admin or the owner of model '{model}' ({owner}) may change {what}; {actor.Name} may not.");
    }
}
