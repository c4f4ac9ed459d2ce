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
    [property: Id(1)] IReadOnlyList<Guid> Queue)
{
    /// <summary>The queue again, each run with its owner (submission order; the fair-share rule picks among them).</summary>
    [Id(2)] public IReadOnlyList<QueuedRun> QueuedRuns { get; init; } = [];

    /// <summary>Every user with runs, a quota or recent usage: running, queued, quota and recent usage.</summary>
    [Id(3)] public IReadOnlyList<UserShare> Users { get; init; } = [];
}

/// <summary>A worker slot (key e.g. "node-a/cpu:0" or "node-a/cuda:1"): runs at most one experiment at a time.</summary>
public interface IWorkerSlotGrain : IGrainWithStringKey
{
    Task<SlotInfo> GetInfo();

    /// <summary>Records the lease (called by the scheduler only: it decides which experiment gets which slot).</summary>
    Task Lease(Guid experimentId);

    /// <summary>Frees the slot if it is still leased to this experiment.</summary>
    Task Release(Guid experimentId);
}

/// <summary>
/// The queue of experiments waiting for a slot (a single grain, key 0). A free slot goes to the fair-share pick: among
/// users below their slot quota, the one with the fewest running runs, then the least recent usage; FIFO within a user.
/// </summary>
public interface ISchedulerGrain : IGrainWithIntegerKey
{
    Task Enqueue(Guid experimentId, string owner);

    /// <summary>
    /// A pre-empted run: its slot is freed (and charged to its owner) and it goes back to the head of its owner's queued
    /// runs; the slot then goes to the fair-share pick, which may be another user's run.
    /// </summary>
    Task Requeue(Guid experimentId);

    /// <summary>
    /// Sets a user's slot quota at run time (persisted; wins over configuration), or with null removes the override so the
    /// configured quota applies again. Raising a quota starts waiting runs at once; lowering it stops none.
    /// </summary>
    Task<UserShare> SetQuota(string user, int? slots);

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
