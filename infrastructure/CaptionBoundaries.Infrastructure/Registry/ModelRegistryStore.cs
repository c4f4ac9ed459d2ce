using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Infrastructure.Registry;

/// <summary>
/// Writes the queryable registry (versions, change history) for the model grains, which own what is served.
/// Each call is one SaveChanges, so a version never exists without its "register" change or vice versa, and no
/// change exists without its webhook deliveries (which the <see cref="WebhookDispatcher"/> then sends).
/// </summary>
public sealed class ModelRegistryStore(IServiceScopeFactory scopes, WebhookPublisher webhooks, RegisteredModels names)
{
    public async Task RecordVersion(RegisteredModelVersion version, ModelChangeNotice registered)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        db.ModelVersions.Add(version);
        db.ModelChanges.Add(ToEntity(registered));
        webhooks.AddChanges(db, [registered]);
        await db.SaveChangesAsync();
        names.Added(version.ModelName);
        webhooks.Wake();
    }

    public async Task RecordChanges(IReadOnlyList<ModelChangeNotice> changes)
    {
        if (changes.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        db.ModelChanges.AddRange(changes.Select(ToEntity));
        foreach (var archive in changes.Where(c => c.Kind == ModelChangeNotice.Archive))
        {
            var row = await db.ModelVersions.SingleOrDefaultAsync(v => v.ModelName == archive.Model && v.Version == archive.Version);
            if (row is null) continue;
            row.Archived = true;
            row.ArchivedAtUtc = archive.AtUtc;
        }
        webhooks.AddChanges(db, changes);
        await db.SaveChangesAsync();
        webhooks.Wake();
    }

    private static ModelChange ToEntity(ModelChangeNotice n) => new()
    {
        ModelName = n.Model,
        Kind = n.Kind,
        Version = n.Version,
        PreviousVersion = n.PreviousVersion,
        Alias = n.Alias,
        SharePercent = n.SharePercent,
        PreviousSharePercent = n.PreviousSharePercent,
        Actor = n.Actor,
        Reason = n.Reason,
        AtUtc = n.AtUtc,
    };
}
