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
        var slot = S.Leases.FirstOrDefault(l => l.Value == experimentId).Key;
        if (slot is not null) await FreeAsync(slot, experimentId);
        if (!S.Queue.Contains(experimentId))
        {
            // It already waited its turn once: it goes ahead of its owner's other runs, not ahead of other users.
            var owner = OwnerOf(experimentId);
            var firstOfOwner = S.Queue.FindIndex(id => OwnerOf(id) == owner);
            S.Queue.Insert(firstOfOwner < 0 ? S.Queue.Count : firstOfOwner, experimentId);
            await state.WriteStateAsync();
        }
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
        if (string.IsNullOrWhiteSpace(user)) throw new ArgumentException("user: the user name is required.");
        if (slots is < 1 or > MaxQuota) throw new ArgumentException($"slots: a slot quota is a whole number from 1 to {MaxQuota} (got {slots}).");
        user = user.Trim();
        if (slots is { } n) S.QuotaOverrides[user] = n;
        else S.QuotaOverrides.Remove(user);
        await state.WriteStateAsync();
        logger.LogInformation("Slot quota of {User} set to {Quota}", user, slots?.ToString() ?? "the configured value");
        await ScheduleAsync();
        return ShareOf(user, DateTime.UtcNow);
    }

    public async Task<SchedulerSnapshot> GetSnapshot()
    {
        var slots = await Task.WhenAll(S.Slots.Select(s => GrainFactory.GetGrain<IWorkerSlotGrain>(s).GetInfo()));
        var now = DateTime.UtcNow;
        var users = S.Owners.Values
            .Concat(S.QuotaOverrides.Keys)
            .Concat(options.UserQuotas.Keys)
            .Concat(S.Usage.Keys)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(u => ShareOf(u, now))
            .ToList();
        return new SchedulerSnapshot(slots, S.Queue.ToList())
        {
            QueuedRuns = S.Queue.Select(id => new QueuedRun(id, OwnerOf(id))).ToList(),
            Users = users,
        };
    }

    public async Task RegisterSlots(IReadOnlyList<string> slots)
    {
        var added = slots.Where(s => !S.Slots.Contains(s)).ToList();
        if (added.Count > 0)
        {
            S.Slots.AddRange(added);
            await state.WriteStateAsync();
        }
        await ReconcileAsync(slots);
        await ScheduleAsync();
    }

    public async Task RunEnded(Guid experimentId)
    {
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
    /// A silo that (re)starts may own slots whose lease outlived the run (the host died): the experiment grain has
    /// settled such runs on activation, so leases to finished experiments are freed; a lease to an experiment that
    /// never started goes back to the head of the queue.
    /// </summary>
    private async Task ReconcileAsync(IReadOnlyList<string> slots)
    {
        foreach (var slot in slots)
        {
            if (!S.Leases.TryGetValue(slot, out var experimentId)) continue;
            var info = await GrainFactory.GetGrain<IExperimentGrain>(experimentId).GetInfo();
            switch (info.Phase)
            {
                case ExperimentPhase.Running:
                    break;
                case ExperimentPhase.Queued:
                    S.Queue.Insert(0, experimentId);
                    await FreeAsync(slot, experimentId);
                    break;
                default:
                    await FreeAsync(slot, experimentId);
                    S.Owners.Remove(experimentId);
                    await state.WriteStateAsync();
                    break;
            }
        }
    }

    private async Task ScheduleAsync()
    {
        while (S.Slots.FirstOrDefault(s => !S.Leases.ContainsKey(s)) is { } slot && NextToStart() is { } experimentId)
        {
            S.Queue.Remove(experimentId);
            S.Leases[slot] = experimentId;
            S.LeasedAtUtc[slot] = DateTime.UtcNow;
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<IWorkerSlotGrain>(slot).Lease(experimentId);

            bool started;
            try
            {
                started = await GrainFactory.GetGrain<IExperimentRunGrain>(experimentId).Start(slot, WorkerSlots.DeviceOf(slot));
            }
            catch (Exception e)
            {
                // One experiment that cannot start must not stall the queue behind it.
                logger.LogError(e, "Experiment {ExperimentId} could not start on slot {Slot}", experimentId, slot);
                started = false;
            }
            if (!started)
            {
                await FreeAsync(slot, experimentId);
                S.Owners.Remove(experimentId);
                await state.WriteStateAsync();
            }
        }
    }

    private Guid? NextToStart()
    {
        if (S.Queue.Count == 0) return null;
        var now = DateTime.UtcNow;
        var running = RunningByUser();
        return FairShare.Next(S.Queue, OwnerOf, u => running.GetValueOrDefault(u), u => RecentUsage(u, now), u => QuotaOf(u).Quota);
    }

    private async Task FreeAsync(string slot, Guid experimentId)
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
        S.Leases.Remove(slot);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IWorkerSlotGrain>(slot).Release(experimentId);
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

    private string OwnerOf(Guid experimentId) => S.Owners.GetValueOrDefault(experimentId) ?? ExperimentSpec.DefaultOwner;

    private static string NormalizeOwner(string? owner) => string.IsNullOrWhiteSpace(owner) ? ExperimentSpec.DefaultOwner : owner.Trim();
}
