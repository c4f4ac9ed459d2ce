using CaptionBoundaries.Grains.Abstractions;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>
/// Places a grain keyed "node/…" (a worker slot) on the silo named "node": a slot's training must run on the machine
/// whose device it names, whichever silo first calls it.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class NodePinnedPlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePinnedPlacementAttribute() : PlacementAttribute(new NodePinnedPlacement());

/// <summary>
/// Finds the live silo whose name is the node in the grain's key (the newest incarnation if a node restarted). A node
/// that is not in the cluster gets no activation anywhere else: the call fails naming the node, and the scheduler,
/// which hears of lost nodes, stops handing out its slots.
/// </summary>
public sealed class NodePinnedPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var node = WorkerSlots.NodeOf(target.GrainIdentity.Key.ToString()!);
        var members = membership.CurrentSnapshot.Members;
        var silo = context.GetCompatibleSilos(target)
            .Where(s => members.TryGetValue(s, out var member) && member.Status == SiloStatus.Active && member.Name == node)
            .OrderByDescending(s => s.Generation)
            .FirstOrDefault();
        return silo is not null
            ? Task.FromResult(silo)
            : throw new OrleansException($"Node '{node}' is not in the cluster: its slot {target.GrainIdentity.Key} cannot be activated elsewhere.");
    }
}
