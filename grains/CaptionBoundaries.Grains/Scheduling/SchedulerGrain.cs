using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>
/// The single queue (key 0). Whenever a slot is free and something is queued, the fair-share pick (<see cref="FairShare"/>)
/// gets the slot and is told to start; a run that ends (completed, failed, cancelled) or is pre-empted hands its slot
/// on the same way and its slot time is charged to its owner's usage ledger.
/// Non-reentrant on purpose: queue, leases and ledger change one call at a time.
/// </summary>
public sealed class SchedulerGrain(
    [PersistentState("scheduler", GrainStorageNames.Default)] IPersistentState<SchedulerState> state,
    SchedulingOptions options,
    ILogger<SchedulerGrain> logger) : Grain, ISchedulerGrain
{
    public const int MaxQuota = 10_000;
    private const double ForgottenSlotSeconds = 0.01;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private IGrainTimer? _retry;

    private SchedulerState S => state.State;

    public async Task Enqueue(Guid experimentId, string owner)
    {
        if (S.Queue.Contains(experimentId) || S.Leases.ContainsValue(experimentId)) return;
        S.Queue.Add(experimentId);
        S.Owners[experimentId] = NormalizeOwner(owner);
        await state.WriteStateAsync();
        await ScheduleAsync();
    }

    public async Task Requeue(Guid experimentId)
    {
        RequeueAtHead(experimentId);
        var slot = S.Leases.FirstOrDefault(l => l.Value == experimentId).Key;
        if (slot is not null) await FreeAsync(slot, experimentId);
        else await state.WriteStateAsync();
        await ScheduleAsync();
    }

    public async Task<bool> Dequeue(Guid experimentId)
    {
        if (!S.Queue.Remove(experimentId)) return false;
        S.Owners.Remove(experimentId);
        await state.WriteStateAsync();
        return true;
    }

    public async Task<UserShare> SetQuota(string user, int? slots)
    {
        if (string.IsNullOrWhiteSpace(user)) throw DomainException.Invalid("user: the user name is required.", "user");
        if (slots is < 1 or > MaxQuota) throw DomainException.Invalid($"slots: a slot quota is a whole number from 1 to {MaxQuota} (got {slots}).", "slots");
        user = user.Trim();
        if (slots is { } n) S.QuotaOverrides[user] = n;
        else S.QuotaOverrides.Remove(user);
        await state.WriteStateAsync();
        logger.LogInformation("Slot quota of {User} set to {Quota}", user, slots?.ToString() ?? "the configured value");
        await ScheduleAsync();
        return ShareOf(user, DateTime.UtcNow);
    }

    public Task<SchedulerSnapshot> GetSnapshot()
    {
        // From the scheduler's own leases, not by asking each slot: a node about to be declared dead would stall the answer.
        var slots = S.Slots
            .Select(s => new SlotInfo(s, WorkerSlots.DeviceOf(s), S.Leases.TryGetValue(s, out var id) ? id : null,
                S.LeasedAtUtc.TryGetValue(s, out var at) ? at : null))
            .ToList();
        var now = DateTime.UtcNow;
        var users = S.Owners.Values
            .Concat(S.QuotaOverrides.Keys)
            .Concat(options.UserQuotas.Keys)
            .Concat(S.Usage.Keys)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(u => ShareOf(u, now))
            .ToList();
        return Task.FromResult(new SchedulerSnapshot(slots, S.Queue.ToList())
        {
            Nodes = S.Nodes.OrderBy(n => n.Key, StringComparer.Ordinal)
                .Select(n => new ClusterNodeInfo(n.Key, n.Value.Silo, n.Value.Slots.ToList(), n.Value.JoinedAtUtc, n.Value.LostAtUtc))
                .ToList(),
            QueuedRuns = S.Queue.Select(id => new QueuedRun(id, OwnerOf(id))).ToList(),
            Users = users,
        });
    }

    public async Task RegisterNode(NodeRegistration node)
    {
        var previous = S.Nodes.GetValueOrDefault(node.Name);
        // Slots the node no longer offers (fewer configured) and slots of its previous incarnation are dropped first.
        foreach (var gone in previous?.Slots.Except(node.Slots) ?? []) S.Slots.Remove(gone);
        S.Nodes[node.Name] = new NodeRecord { Silo = node.Silo, Slots = node.Slots.ToList(), JoinedAtUtc = DateTime.UtcNow };
        S.Slots.AddRange(node.Slots.Where(s => !S.Slots.Contains(s)));
        await state.WriteStateAsync();
        logger.LogInformation("Node {Node} ({Silo}) registered {Slots} slot(s)", node.Name, node.Silo, node.Slots.Count);
        // A starting silo runs nothing yet, so any lease on its slots belongs to a run its previous incarnation lost.
        await InterruptRunsOn(previous?.Slots.Union(node.Slots) ?? node.Slots, $"node {node.Name} restarted during the run");
        await ScheduleAsync();
    }

    public async Task NodeLost(string node, string silo)
    {
        if (!S.Nodes.TryGetValue(node, out var record) || record.Silo != silo || record.LostAtUtc is not null) return;
        record.LostAtUtc = DateTime.UtcNow;
        foreach (var slot in record.Slots) S.Slots.Remove(slot);
        await state.WriteStateAsync();
        logger.LogWarning("Node {Node} ({Silo}) left the cluster; its runs go to the other nodes", node, silo);
        await InterruptRunsOn(record.Slots, $"node {node} left the cluster during the run");
        await ScheduleAsync();
    }

    public async Task RunEnded(Guid experimentId)
    {
        logger.LogInformation("Run of {ExperimentId} ended; its slot goes to the next", experimentId);
        var slot = S.Leases.FirstOrDefault(l => l.Value == experimentId).Key;
        if (slot is not null)
            await FreeAsync(slot, experimentId);
        else
            S.Queue.Remove(experimentId);
        S.Owners.Remove(experimentId);
        await state.WriteStateAsync();
        await ScheduleAsync();
    }

    /// <summary>
    /// Frees the leases on these slots (charging their owners) and puts each interrupted run back at the head of its
    /// owner's queued runs; the experiment, told first, resumes from its last checkpoint when it starts again. A lease
    /// to an experiment that is not running (finished, or never started) is simply freed.
    /// </summary>
    private async Task InterruptRunsOn(IEnumerable<string> slots, string reason)
    {
        foreach (var slot in slots.ToList())
        {
            if (!S.Leases.TryGetValue(slot, out var experimentId)) continue;
            bool requeue;
            try
            {
                requeue = await GrainFactory.GetGrain<IExperimentRunGrain>(experimentId).Interrupted(reason);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Experiment {ExperimentId} on lost slot {Slot} could not be requeued", experimentId, slot);
                requeue = false;
            }
            if (requeue) RequeueAtHead(experimentId);
            else S.Owners.Remove(experimentId);
            await FreeAsync(slot, experimentId);
        }
    }

    /// <summary>A run that already waited its turn goes ahead of its owner's other queued runs, not ahead of other users'.</summary>
    private void RequeueAtHead(Guid experimentId)
    {
        if (S.Queue.Contains(experimentId)) return;
        var owner = OwnerOf(experimentId);
        var first = S.Queue.FindIndex(id => OwnerOf(id) == owner);
        S.Queue.Insert(first < 0 ? S.Queue.Count : first, experimentId);
    }

    private async Task ScheduleAsync()
    {
        // Slots that could not take a run in this pass (their node unreachable but not yet declared dead) are skipped
        // until the next pass, so one bad node neither stalls the queue nor loses the run.
        var failedSlots = new HashSet<string>();
        while (S.Slots.FirstOrDefault(s => !S.Leases.ContainsKey(s) && !failedSlots.Contains(s)) is { } slot && NextToStart() is { } experimentId)
        {
            S.Queue.Remove(experimentId);
            S.Leases[slot] = experimentId;
            S.LeasedAtUtc[slot] = DateTime.UtcNow;
            await state.WriteStateAsync();

            var experiment = GrainFactory.GetGrain<IExperimentRunGrain>(experimentId);
            bool started;
            bool requeue = false;
            try
            {
                await GrainFactory.GetGrain<IWorkerSlotGrain>(slot).Lease(experimentId);
                started = await experiment.Start(slot, WorkerSlots.DeviceOf(slot));
            }
            catch (Exception e)
            {
                logger.LogError(e, "Experiment {ExperimentId} could not start on slot {Slot}", experimentId, slot);
                started = false;
                failedSlots.Add(slot);
                // Still queued: the slot failed it (its node unreachable), not the experiment, so it waits for another slot.
                // Otherwise the experiment itself cannot start, and one such run must not stall the queue behind it.
                requeue = await IsStillQueued(experimentId);
            }
            if (started) continue;
            if (requeue)
            {
                RequeueAtHead(experimentId);
                RetrySoon();
            }
            else S.Owners.Remove(experimentId);
            // Nothing ran on the slot, so nobody is charged for it.
            await FreeAsync(slot, experimentId, charge: false);
        }
    }

    /// <summary>A run that a slot could not take is tried again shortly, on whichever slot is free then.</summary>
    private void RetrySoon()
    {
        _retry?.Dispose();
        _retry = this.RegisterGrainTimer(_ => ScheduleAsync(), new GrainTimerCreationOptions(RetryDelay, Timeout.InfiniteTimeSpan));
    }

    private async Task<bool> IsStillQueued(Guid experimentId)
    {
        try
        {
            return (await GrainFactory.GetGrain<IExperimentGrain>(experimentId).GetInfo()).Phase == ExperimentStatus.Queued;
        }
        catch (Exception e)
        {
            // Unknown is kept: dropping a run that is still queued would lose it for good; a retry settles it.
            logger.LogWarning(e, "Could not read the phase of {ExperimentId}; it stays queued", experimentId);
            return true;
        }
    }

    /// <summary>The slot's copy of its lease is informational (the scheduler's is the truth), so an unreachable slot is no error.</summary>
    private async Task ReleaseQuietly(string slot, Guid experimentId)
    {
        try
        {
            await GrainFactory.GetGrain<IWorkerSlotGrain>(slot).Release(experimentId);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Slot {Slot} could not be told its lease to {ExperimentId} ended", slot, experimentId);
        }
    }

    private Guid? NextToStart()
    {
        if (S.Queue.Count == 0) return null;
        var now = DateTime.UtcNow;
        var running = RunningByUser();
        return FairShare.Next(S.Queue, OwnerOf, u => running.GetValueOrDefault(u), u => RecentUsage(u, now), u => QuotaOf(u).Quota);
    }

    /// <summary>
    /// Ends a lease: its slot time is charged to the run's owner, the slot is free again, the state is saved (with
    /// whatever the caller changed before), and the slot hears of it if its node is still in the cluster.
    /// </summary>
    private async Task FreeAsync(string slot, Guid experimentId, bool charge = true)
    {
        if (charge) await ChargeAsync(slot, experimentId);
        else S.LeasedAtUtc.Remove(slot);
        S.Leases.Remove(slot);
        await state.WriteStateAsync();
        // The slot grain of a lost node cannot be reached, so only live slots hear of it.
        if (S.Slots.Contains(slot)) await ReleaseQuietly(slot, experimentId);
    }

    /// <summary>Charges the lease's slot time to the run's owner (the fair-share ledger).</summary>
    private Task ChargeAsync(string slot, Guid experimentId)
    {
        var now = DateTime.UtcNow;
        if (S.LeasedAtUtc.Remove(slot, out var since))
        {
            var owner = OwnerOf(experimentId);
            if (!S.Usage.TryGetValue(owner, out var entry)) S.Usage[owner] = entry = new UsageEntry { AsOfUtc = now };
            entry.Add((now - since).TotalSeconds, now, options.UsageHalfLife);
            // Usage decayed to nothing is forgotten, so the ledger holds only users seen lately.
            foreach (var gone in S.Usage.Where(u => u.Value.At(now, options.UsageHalfLife) < ForgottenSlotSeconds).Select(u => u.Key).ToList())
                S.Usage.Remove(gone);
        }
        return Task.CompletedTask;
    }

    private Dictionary<string, int> RunningByUser() =>
        S.Leases.Values.GroupBy(OwnerOf).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Decayed slot-seconds of finished leases plus the time the user's current leases have run so far.</summary>
    private double RecentUsage(string user, DateTime now)
    {
        var past = S.Usage.TryGetValue(user, out var entry) ? entry.At(now, options.UsageHalfLife) : 0;
        var current = S.Leases.Where(l => OwnerOf(l.Value) == user)
            .Sum(l => S.LeasedAtUtc.TryGetValue(l.Key, out var since) ? Math.Max(0, (now - since).TotalSeconds) : 0);
        return past + current;
    }

    /// <summary>Run-time override, else the user's configured quota, else the configured default, else every slot.</summary>
    private (int Quota, string Source) QuotaOf(string user)
    {
        if (S.QuotaOverrides.TryGetValue(user, out var overridden)) return (overridden, "override");
        if (options.UserQuotas.TryGetValue(user, out var configured)) return (configured, "configuration");
        return (options.DefaultUserSlotQuota ?? Math.Max(1, S.Slots.Count), "default");
    }

    private UserShare ShareOf(string user, DateTime now)
    {
        var (quota, source) = QuotaOf(user);
        return new UserShare(user, S.Leases.Values.Count(id => OwnerOf(id) == user), S.Queue.Count(id => OwnerOf(id) == user),
            quota, source, Math.Round(RecentUsage(user, now), 2));
    }

    private string OwnerOf(Guid experimentId) => S.Owners.GetValueOrDefault(experimentId) ?? RunSpec.DefaultOwner;

    private static string NormalizeOwner(string? owner) => string.IsNullOrWhiteSpace(owner) ? RunSpec.DefaultOwner : owner.Trim();
}
