using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>
/// The single FIFO queue (key 0). Whenever a slot is free and something is queued, the oldest experiment gets the
/// slot and is told to start; a run that ends (completed, failed, cancelled) hands its slot to the next one.
/// Non-reentrant on purpose: queue and leases change one call at a time.
/// </summary>
public sealed class SchedulerGrain(
    [PersistentState("scheduler", GrainStorageNames.Default)] IPersistentState<SchedulerState> state,
    ILogger<SchedulerGrain> logger) : Grain, ISchedulerGrain
{
    private SchedulerState S => state.State;

    public async Task Enqueue(Guid experimentId)
    {
        if (S.Queue.Contains(experimentId) || S.Leases.ContainsValue(experimentId)) return;
        S.Queue.Add(experimentId);
        await state.WriteStateAsync();
        await ScheduleAsync();
    }

    public async Task<bool> Dequeue(Guid experimentId)
    {
        if (!S.Queue.Remove(experimentId)) return false;
        await state.WriteStateAsync();
        return true;
    }

    public async Task<SchedulerSnapshot> GetSnapshot()
    {
        var slots = await Task.WhenAll(S.Slots.Select(s => GrainFactory.GetGrain<IWorkerSlotGrain>(s).GetInfo()));
        return new SchedulerSnapshot(slots, S.Queue.ToList());
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
        else if (S.Queue.Remove(experimentId))
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
                    break;
            }
        }
    }

    private async Task ScheduleAsync()
    {
        while (S.Queue.Count > 0 && S.Slots.FirstOrDefault(s => !S.Leases.ContainsKey(s)) is { } slot)
        {
            var experimentId = S.Queue[0];
            S.Queue.RemoveAt(0);
            S.Leases[slot] = experimentId;
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
                await FreeAsync(slot, experimentId);
        }
    }

    private async Task FreeAsync(string slot, Guid experimentId)
    {
        S.Leases.Remove(slot);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IWorkerSlotGrain>(slot).Release(experimentId);
    }
}
