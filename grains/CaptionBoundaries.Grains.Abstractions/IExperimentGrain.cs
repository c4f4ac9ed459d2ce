using CaptionBoundaries.Domain.Training;
using Orleans.Concurrency;

namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>One experiment (key: its id). Holds the lifecycle; the training itself runs on a leased worker slot.</summary>
public interface IExperimentGrain : IGrainWithGuidKey
{
    /// <summary>Records the spec and queues the experiment with the scheduler.</summary>
    Task<ExperimentInfo> Submit(RunSpec spec);

    // Interleaves so the scheduler can read an experiment that is itself waiting on the scheduler.
    [AlwaysInterleave]
    Task<ExperimentInfo> GetInfo();

    /// <summary>Cancels a queued or running experiment; a finished one is left as it is.</summary>
    Task<ExperimentInfo> Cancel();

    /// <summary>
    /// An administrator takes a running experiment's slot: training stops at once (losing at most the epoch in progress,
    /// since the trainer checkpoints every epoch), the run goes back to the queue and later resumes from its last
    /// checkpoint. Recorded on the experiment (<see cref="ExperimentInfo.Preemptions"/>). Only a running experiment can
    /// be pre-empted (a <see cref="Domain.Errors.DomainException"/> conflict otherwise). Returns at once; the phase turns Queued when the
    /// training thread has stopped.
    /// </summary>
    Task<ExperimentInfo> Preempt(string by, string reason);

    Task Subscribe(IExperimentObserver observer);

    Task Unsubscribe(IExperimentObserver observer);
}

/// <summary>Live updates for the console and the CLI: every epoch as it is logged, every batch of step losses, every phase change.</summary>
public interface IExperimentObserver : IGrainObserver
{
    void OnEpoch(EpochMetrics metrics);

    void OnSteps(StepLosses steps);

    void OnChanged(ExperimentInfo info);
}
