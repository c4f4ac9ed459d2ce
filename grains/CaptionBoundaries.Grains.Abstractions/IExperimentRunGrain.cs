using CaptionBoundaries.Domain.Training;
using Orleans.Concurrency;

namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>
/// The experiment grain's side facing the scheduler and its own training thread. Not for clients:
/// the training runs off the grain scheduler and reports back through these calls, so state changes stay single-threaded.
/// </summary>
public interface IExperimentRunGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Starts training on a leased slot; false when the experiment is no longer queued (cancelled meanwhile).
    /// Interleaves because the scheduler calls it while the experiment may be awaiting the scheduler (submit, cancel).
    /// </summary>
    [AlwaysInterleave]
    Task<bool> Start(string slot, string device);

    /// <summary>
    /// The scheduler lost the run's node (or found its lease stale after a restart): a Running experiment goes back to
    /// Queued, resuming from its last checkpoint, and the call returns true (the scheduler then queues it); false when it
    /// was not running. Never calls the scheduler back (the scheduler is waiting on this call).
    /// </summary>
    [AlwaysInterleave]
    Task<bool> Interrupted(string reason);

    /// <summary>
    /// Records a finished epoch; false tells the slot to stop the run (a cancel or pre-emption was asked for). This is
    /// the stop signal that always reaches the training slot, even when a direct <see cref="IWorkerSlotGrain.Stop"/>
    /// landed on another activation of the slot while the cluster was recovering from a lost node.
    /// </summary>
    Task<bool> ReportEpoch(Guid runId, EpochMetrics metrics, string? bestCheckpoint);

    Task ReportEnded(Guid runId, RunOutcome outcome);

    /// <summary>
    /// Step losses the run has just recorded, passed on to the observers (the console's live run page). One-way: the
    /// training never waits for live views; the points are already in the tracking database.
    /// </summary>
    [OneWay]
    Task ReportSteps(Guid runId, StepLosses steps);
}

