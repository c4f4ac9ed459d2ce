using CaptionBoundaries.Domain.Training;
namespace CaptionBoundaries.Grains.Abstractions;

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

    /// <summary>The nodes whose slots are handed out now, and the ones lost (their runs were requeued).</summary>
    [Id(4)] public IReadOnlyList<ClusterNodeInfo> Nodes { get; init; } = [];
}

/// <summary>A node as the scheduler knows it: its silo incarnation, slots, and when it joined or was lost.</summary>
[GenerateSerializer, Immutable]
public sealed record ClusterNodeInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Silo,
    [property: Id(2)] IReadOnlyList<string> Slots,
    [property: Id(3)] DateTime JoinedAtUtc,
    [property: Id(4)] DateTime? LostAtUtc);

/// <summary>What a starting silo tells the scheduler: its node name, its silo address (with generation) and its slots.</summary>
[GenerateSerializer, Immutable]
public sealed record NodeRegistration(
    [property: Id(0)] string Name,
    [property: Id(1)] string Silo,
    [property: Id(2)] IReadOnlyList<string> Slots);

/// <summary>
/// A worker slot (key e.g. "node-a/cpu:0" or "node-a/cuda:1"): runs at most one experiment at a time, on its own node
/// (the grain is placed on the silo named by its key, so training uses that machine's processor or GPU).
/// </summary>
public interface IWorkerSlotGrain : IGrainWithStringKey
{
    Task<SlotInfo> GetInfo();

    /// <summary>
    /// Trains the experiment on this node, off the grain scheduler; each epoch and the ending are reported to the
    /// experiment grain under <paramref name="runId"/> (reports of an older run are ignored there).
    /// </summary>
    Task Run(Guid experimentId, Guid runId, RunSpec spec);

    /// <summary>Asks the run to stop at its next step (it then reports its ending as Cancelled); no-op for another run.</summary>
    Task Stop(Guid runId);

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
    /// Called by each silo at start-up with its node name, silo address and slots. Leases on those slots are left over
    /// from the node's previous incarnation (a starting silo runs nothing): their runs go back to the queue and resume
    /// from their last checkpoint. Then whatever is queued starts.
    /// </summary>
    Task RegisterNode(NodeRegistration node);

    /// <summary>
    /// A silo was declared dead by the cluster. If it is the node's current incarnation, its slots stop being handed
    /// out and its runs are requeued (resuming from their last checkpoint) for the other nodes; otherwise a no-op.
    /// Every surviving silo reports it, so it must be (and is) idempotent.
    /// </summary>
    Task NodeLost(string node, string silo);

    /// <summary>The experiment's run ended (or will never run): release its slot and start the next queued one.</summary>
    Task RunEnded(Guid experimentId);
}
