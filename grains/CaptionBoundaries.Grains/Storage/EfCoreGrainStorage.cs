using System.Text.Json;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CaptionBoundaries.Grains.Storage;

/// <summary>
/// Grain state as JSON rows in the tracking database (table GrainStates), so experiments, slots and the queue survive
/// a restart of the cluster without a second store to run. Writes are optimistic: each carries the ETag it read, and a
/// row changed in between (another activation, a stale copy) is refused with <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class EfCoreGrainStorage(string name, IServiceScopeFactory scopes) : IGrainStorage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public string Name => name;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (type, id) = Key(stateName, grainId);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var row = await db.GrainStates.AsNoTracking().SingleOrDefaultAsync(r => r.GrainType == type && r.GrainId == id);
        if (row is null)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        grainState.State = JsonSerializer.Deserialize<T>(row.StateJson, Json)!;
        grainState.ETag = row.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (type, id) = Key(stateName, grainId);
        var json = JsonSerializer.Serialize(grainState.State, Json);
        var etag = Guid.NewGuid().ToString("N");
        var now = DateTime.UtcNow;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();

        if (grainState.ETag is null)
        {
            db.GrainStates.Add(new GrainStateRecord { GrainType = type, GrainId = id, ETag = etag, StateJson = json, UpdatedAtUtc = now });
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException e)
            {
                // The key exists: someone wrote this grain's state after our copy was read as absent.
                var stored = await StoredETag(db, type, id);
                throw new InconsistentStateException(
                    $"State '{stateName}' of grain {grainId} was written by someone else (stored ETag {stored}, expected none).",
                    stored ?? "", "", e);
            }
        }
        else
        {
            var expected = grainState.ETag;
            var updated = await db.GrainStates
                .Where(r => r.GrainType == type && r.GrainId == id && r.ETag == expected)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.ETag, etag)
                    .SetProperty(r => r.StateJson, json)
                    .SetProperty(r => r.UpdatedAtUtc, now));
            if (updated == 0)
            {
                var stored = await StoredETag(db, type, id);
                throw new InconsistentStateException(
                    $"State '{stateName}' of grain {grainId} changed since it was read (stored ETag {stored ?? "none"}, expected {expected}).",
                    stored ?? "", expected);
            }
        }
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (type, id) = Key(stateName, grainId);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var expected = grainState.ETag;
        var deleted = await db.GrainStates
            .Where(r => r.GrainType == type && r.GrainId == id && r.ETag == expected)
            .ExecuteDeleteAsync();
        if (deleted == 0)
        {
            var stored = await StoredETag(db, type, id);
            if (stored is not null)
                throw new InconsistentStateException(
                    $"State '{stateName}' of grain {grainId} changed since it was read (stored ETag {stored}, expected {expected ?? "none"}).",
                    stored, expected ?? "");
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static (string Type, string Id) Key(string stateName, GrainId grainId) =>
        ($"{grainId.Type}/{stateName}", grainId.Key.ToString()!);

    private static Task<string?> StoredETag(TrackingDbContext db, string type, string id) =>
        db.GrainStates.AsNoTracking().Where(r => r.GrainType == type && r.GrainId == id).Select(r => r.ETag).SingleOrDefaultAsync();
}
