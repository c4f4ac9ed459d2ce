namespace CaptionBoundaries.Grains;

[GenerateSerializer, Immutable]
public sealed record SlotInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Device,
    [property: Id(2)] Guid? ExperimentId,
    [property: Id(3)] DateTime? LeasedAtUtc);

[GenerateSerializer, Immutable]
public sealed record SchedulerSnapshot(
    [property: Id(0)] IReadOnlyList<SlotInfo> Slots,
    [property: Id(1)] IReadOnlyList<Guid> Queue);

/// <summary>A worker slot (key e.g. "node-a/cpu:0" or "node-a/cuda:1"): runs at most one experiment at a time.</summary>
public interface IWorkerSlotGrain : IGrainWithStringKey
{
    Task<SlotInfo> GetInfo();

    /// <summary>Records the lease (called by the scheduler only: it decides which experiment gets which slot).</summary>
    Task Lease(Guid experimentId);

    /// <summary>Frees the slot if it is still leased to this experiment.</summary>
    Task Release(Guid experimentId);
}

/// <summary>The queue of experiments waiting for a slot (a single grain, key 0).</summary>
public interface ISchedulerGrain : IGrainWithIntegerKey
{
    Task Enqueue(Guid experimentId);

    /// <summary>Removes a queued experiment; false when it is not queued (already running or finished).</summary>
    Task<bool> Dequeue(Guid experimentId);

    Task<SchedulerSnapshot> GetSnapshot();

    /// <summary>
    /// Called by each silo at start-up with its slots; also reconciles leases left over from an earlier run of the
    /// cluster and starts whatever is queued.
    /// </summary>
    Task RegisterSlots(IReadOnlyList<string> slots);

    /// <summary>The experiment's run ended (or will never run): release its slot and start the next queued one.</summary>
    Task RunEnded(Guid experimentId);
}
