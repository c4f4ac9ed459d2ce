using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Security;

/// <summary>
/// The private models and their owners, read once and kept in memory: predictions pass through the visibility check,
/// and serving must not pay a database query for it. Changed through <see cref="Forget"/> when a visibility is set.
/// </summary>
public sealed class PrivateModels
{
    /// <summary>
    /// How stale the list may get: a visibility changed on another node of a cluster is seen here within this time
    /// (on this node at once, through <see cref="Forget"/>), for one small query per interval instead of one per request.
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyDictionary<string, string> Owners, long ReadAt);

    public async Task<bool> IsVisibleAsync(TrackingDbContext db, Actor actor, string model, CancellationToken ct) =>
        actor.IsAdmin || !(await OwnersAsync(db, ct)).TryGetValue(model, out var owner) || owner == actor.Name;

    /// <summary>The private models the actor may not see, to filter listings.</summary>
    public async Task<HashSet<string>> HiddenFromAsync(TrackingDbContext db, Actor actor, CancellationToken ct) =>
        actor.IsAdmin ? [] : (await OwnersAsync(db, ct)).Where(p => p.Value != actor.Name).Select(p => p.Key).ToHashSet();

    private async Task<IReadOnlyDictionary<string, string>> OwnersAsync(TrackingDbContext db, CancellationToken ct)
    {
        if (_snapshot is { } s && System.Diagnostics.Stopwatch.GetElapsedTime(s.ReadAt) < MaxAge) return s.Owners;
        var owners = await db.ModelAccess.AsNoTracking().Where(a => a.IsPrivate).ToDictionaryAsync(a => a.ModelName, a => a.Owner, ct);
        _snapshot = new Snapshot(owners, System.Diagnostics.Stopwatch.GetTimestamp());
        return owners;
    }

    /// <summary>Reread on next use (after a model's visibility changed on this node).</summary>
    public void Forget() => _snapshot = null;
}
