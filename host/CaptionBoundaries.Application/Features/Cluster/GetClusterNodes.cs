using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;

namespace CaptionBoundaries.Application.Features.Cluster;

/// <summary>Every node that joined the cluster: its membership status, slots, what runs on them, and when it was lost.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetClusterNodesQuery : IQuery<IReadOnlyList<ClusterNodeView>>;

/// <param name="Status">"active", "joining", "shutting down", "dead" as the cluster's membership table says, or "lost"
/// once the scheduler has requeued its runs.</param>
/// <param name="LastHeartbeatUtc">When the silo last wrote "I am alive" to the membership table.</param>
public sealed record ClusterNodeView(
    string Name,
    string Silo,
    string Status,
    DateTime JoinedAtUtc,
    DateTime? LostAtUtc,
    DateTime? LastHeartbeatUtc,
    int Slots,
    IReadOnlyList<Guid> Running);

public sealed class GetClusterNodesHandler(IGrainFactory grains, Infrastructure.Tracking.TrackingDbContext db, ActorContext actors)
    : IQueryHandler<GetClusterNodesQuery, IReadOnlyList<ClusterNodeView>>
{
    public async ValueTask<IReadOnlyList<ClusterNodeView>> Handle(GetClusterNodesQuery query, CancellationToken ct)
    {
        var snapshot = await Experiments.HiddenRuns.MaskAsync(await grains.GetGrain<ISchedulerGrain>(0).GetSnapshot(), db, actors.Current, ct);
        var members = (await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false))
            .ToDictionary(m => m.SiloAddress.ToParsableString());
        var leases = snapshot.Slots.Where(s => s.ExperimentId is not null).ToDictionary(s => s.Name, s => s.ExperimentId!.Value);
        return snapshot.Nodes.Select(node =>
        {
            var member = members.GetValueOrDefault(node.Silo);
            var status = node.LostAtUtc is not null ? "lost" : member is null ? "unknown" : StatusText(member.Status);
            var running = node.Slots.Where(leases.ContainsKey).Select(s => leases[s]).ToList();
            return new ClusterNodeView(node.Name, node.Silo, status, node.JoinedAtUtc, node.LostAtUtc, member?.IAmAliveTime,
                node.Slots.Count, running);
        }).ToList();
    }

    private static string StatusText(SiloStatus status) => status switch
    {
        SiloStatus.Active => "active",
        SiloStatus.Joining or SiloStatus.Created => "joining",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "shutting down",
        SiloStatus.Dead => "dead",
        _ => status.ToString().ToLowerInvariant(),
    };
}
