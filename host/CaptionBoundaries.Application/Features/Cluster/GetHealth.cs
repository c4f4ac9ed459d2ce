using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Mediator;

namespace CaptionBoundaries.Application.Features.Cluster;

/// <summary>
/// Liveness plus what is being served: database reachable, plugins loaded, slots, active model versions (of the
/// models the caller may see: a private model is listed to its owner and admins only).
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetHealthQuery : IQuery<HealthReport>;

public sealed record ServedModelHealth(string Model, int? ActiveVersion, string? ArchitectureName, string? Sha256);

public sealed record HealthReport(
    string Status,
    bool DatabaseReachable,
    int Architectures,
    int PluginErrors,
    int Slots,
    int BusySlots,
    int Queued,
    IReadOnlyList<ServedModelHealth> Models);

public sealed class GetHealthHandler(IGrainFactory grains, TrackingDbContext db, PluginRegistry plugins, ActorContext actors, PrivateModels privateModels)
    : IQueryHandler<GetHealthQuery, HealthReport>
{
    public async ValueTask<HealthReport> Handle(GetHealthQuery query, CancellationToken ct)
    {
        var database = await db.Database.CanConnectAsync(ct);
        var snapshot = await grains.GetGrain<ISchedulerGrain>(0).GetSnapshot();
        var names = await grains.GetGrain<IModelCatalogGrain>(0).List();
        var hidden = await privateModels.HiddenFromAsync(db, actors.Current, ct);
        var models = new List<ServedModelHealth>();
        foreach (var name in names.Where(n => !hidden.Contains(n)))
        {
            var info = await grains.GetGrain<IModelGrain>(name).GetInfo();
            var active = info.Versions.FirstOrDefault(v => v.Version == info.ActiveVersion);
            models.Add(new ServedModelHealth(name, info.ActiveVersion, active?.ArchitectureName, active?.Sha256));
        }
        return new HealthReport(
            Liveness.StatusOf(database, plugins.Errors.Count),
            database,
            plugins.Architectures.Count,
            plugins.Errors.Count,
            snapshot.Slots.Count,
            snapshot.Slots.Count(s => s.ExperimentId is not null),
            snapshot.Queue.Count,
            models);
    }
}
