using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Domain.Training.Isolation;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Infrastructure.Training;
using CaptionBoundaries.Infrastructure.Training.Isolation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>
/// A slot remembers who leased it (so a restarted cluster knows which runs were cut off) and runs the training itself,
/// on its own node, through the Application's <see cref="ExperimentRunner"/>, which keeps the tracking row current; each
/// epoch and the ending are reported to the experiment grain, wherever it lives. With <c>Training:Isolation=process</c>
/// (the default when this is the caption-boundaries host) the runner runs in a worker process of its own, supervised by
/// a <see cref="TrainingWorker"/>: a run that exhausts memory, crashes or hangs is killed and recorded Failed alone,
/// and serving and the other slots keep going. Otherwise it runs on this process's thread pool.
/// </summary>
[NodePinnedPlacement]
public sealed class WorkerSlotGrain(
    [PersistentState("slot", GrainStorageNames.Default)] IPersistentState<WorkerSlotState> state,
    IServiceScopeFactory scopes,
    ILogger<WorkerSlotGrain> logger) : Grain, IWorkerSlotGrain
{
    private Guid _runId;
    private Guid _experimentId;
    private CancellationTokenSource? _cancel;
    private Task<RunOutcome?>? _run;
    private volatile bool _deactivating;
    private volatile TrainingWorker? _worker;

    private string Key => this.GetPrimaryKeyString();

    public Task<SlotInfo> GetInfo() =>
        Task.FromResult(new SlotInfo(Key, WorkerSlots.DeviceOf(Key), state.State.ExperimentId, state.State.LeasedAtUtc));

    public async Task Lease(Guid experimentId)
    {
        state.State = new WorkerSlotState { ExperimentId = experimentId, LeasedAtUtc = DateTime.UtcNow };
        await state.WriteStateAsync();
    }

    public async Task Release(Guid experimentId)
    {
        if (state.State.ExperimentId != experimentId) return;
        state.State = new WorkerSlotState();
        await state.WriteStateAsync();
    }

    public Task Run(Guid experimentId, Guid runId, RunSpec spec)
    {
        if (_run is { IsCompleted: false })
            throw new InvalidOperationException($"Slot {Key} is already training (run {_runId}).");
        // Idle collection must not take the activation (and with it the training) away mid-run.
        DelayDeactivation(TimeSpan.FromDays(365));
        _runId = runId;
        _experimentId = experimentId;
        _cancel = new CancellationTokenSource();
        spec = spec with { Device = WorkerSlots.DeviceOf(Key) };
        var experiment = GrainFactory.GetGrain<IExperimentRunGrain>(experimentId);
        // The slot is free again as soon as training stops, before the ending is reported: the report makes the
        // scheduler hand this slot to the next run, whose Run call must find the slot idle.
        var cancel = _cancel;
        _run = Task.Run(() => TrainOffScheduler(experimentId, runId, experiment, spec, cancel));
        _ = _run.ContinueWith(t => ReportEnded(experiment, experimentId, runId, t.Result), TaskScheduler.Default).Unwrap();
        logger.LogInformation("Slot {Slot} trains experiment {ExperimentId} (run {RunId})", Key, experimentId, runId);
        return Task.CompletedTask;
    }

    public Task Stop(Guid runId)
    {
        logger.LogInformation("Slot {Slot}: stop asked for run {RunId} (training run {Current})", Key, runId, _runId);
        if (runId == _runId)
        {
            _cancel?.Cancel();
            _worker?.RequestStop();
        }
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_run is not { IsCompleted: false } run) return;
        // Stop training without reporting an ending. When the node is going down the scheduler hears it is gone (or
        // re-registered) and requeues the run; otherwise (Orleans deactivating this copy as a duplicate while the
        // directory recovers from a lost node, say) nobody else would, so the slot requeues it itself below.
        _deactivating = true;
        _cancel?.Cancel();
        _worker?.RequestStop();
        try
        {
            await run.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("Training on slot {Slot} did not stop within 30 s of deactivation", Key);
        }
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown) await RequeueInterruptedRun(reason);
    }

    private async Task RequeueInterruptedRun(DeactivationReason reason)
    {
        logger.LogWarning("Slot {Slot} deactivated ({Reason}) while training {ExperimentId}; the run is requeued", Key, reason, _experimentId);
        try
        {
            var requeue = await GrainFactory.GetGrain<IExperimentRunGrain>(_experimentId).Interrupted($"slot {Key} was deactivated ({reason.ReasonCode})");
            // Not awaited: the scheduler frees the lease by calling this slot, which is busy deactivating until we return.
            // A run that was being cancelled has just ended instead: its lease is freed the same way.
            var experimentId = _experimentId;
            var scheduler = GrainFactory.GetGrain<ISchedulerGrain>(0);
            _ = (requeue ? scheduler.Requeue(experimentId) : scheduler.RunEnded(experimentId)).ContinueWith(
                t => logger.LogError(t.Exception, "Could not requeue {ExperimentId}", experimentId), TaskContinuationOptions.OnlyOnFaulted);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not requeue {ExperimentId} after slot {Slot} was deactivated", _experimentId, Key);
        }
    }

    /// <summary>Runs on the thread pool: touches no grain state, only calls the experiment grain.</summary>
    private async Task<RunOutcome?> TrainOffScheduler(Guid experimentId, Guid runId, IExperimentRunGrain experiment, RunSpec spec, CancellationTokenSource cancel)
    {
        var token = cancel.Token;
        RunOutcome outcome;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var options = scope.ServiceProvider.GetService<TrainingOptions>() ?? TrainingOptions.Default;
            if (options.Isolation == TrainingIsolation.Process && WorkerLaunch.Resolve(options) is { } launch)
            {
                outcome = await TrainInWorker(experimentId, runId, experiment, spec, launch, options, scope.ServiceProvider, cancel);
                return _deactivating ? null : outcome;
            }
            var runner = scope.ServiceProvider.GetRequiredService<ExperimentRunner>();
            var bestPath = Path.Combine(scope.ServiceProvider.GetRequiredService<CaptionBoundariesOptions>().ExperimentFolder(experimentId), Trainer.BestKind + ".pt");
            // Blocking in OnEpoch is fine (a pool thread, not the grain's): the next epoch waits until this one is reported.
            var observers = new RunObservers(OnEpoch: epoch => Report(experiment, runId, EpochMetrics.Of(experimentId, epoch), epoch.IsBest ? bestPath : null, cancel))
            {
                OnSteps = steps => ReportSteps(experiment, runId, new StepLosses(experimentId, steps)),
            };
            var result = await runner.RunAsync(experimentId, spec, observers, token);
            outcome = RunOutcome.Of(result);
        }
        catch (Exception e)
        {
            // RunAsync records the run's own failures; this is the tracking store itself failing.
            logger.LogError(e, "Run of experiment {ExperimentId} failed outside the trainer", experimentId);
            outcome = new RunOutcome(ExperimentStatus.Failed, null, null, $"{e.GetType().Name}: {e.Message}");
        }
        // A node going down reports nothing: the scheduler requeues the run.
        return _deactivating ? null : outcome;
    }

    /// <summary>
    /// The run in its own process: the worker writes epochs and its ending to the tracking row itself; when it dies
    /// without doing so (killed by a watchdog, crashed, or killed after a stop it did not honour) the ending is written here.
    /// </summary>
    private async Task<RunOutcome> TrainInWorker(Guid experimentId, Guid runId, IExperimentRunGrain experiment, RunSpec spec, WorkerLaunch launch,
        TrainingOptions options, IServiceProvider services, CancellationTokenSource cancel)
    {
        var worker = new TrainingWorker(launch, options, services.GetRequiredService<IConfiguration>(), logger);
        _worker = worker;
        // A stop asked before the worker existed (Stop cancelled the token; there was no worker to tell).
        if (cancel.IsCancellationRequested) worker.RequestStop();
        WorkerEnding ending;
        try
        {
            ending = await worker.RunAsync(new WorkerRequest(experimentId, spec, WorkerSlots.DeviceOf(Key)), async (metrics, best) =>
            {
                if (_deactivating) return true;
                try
                {
                    return await experiment.ReportEpoch(runId, metrics, best);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Could not report epoch {Epoch} of experiment {ExperimentId}", metrics.Epoch, experimentId);
                    return true;
                }
            }, steps =>
            {
                ReportSteps(experiment, runId, new StepLosses(experimentId, steps));
                return Task.CompletedTask;
            });
        }
        finally
        {
            _worker = null;
        }
        if (ending.WrittenByWorker) return ending.Outcome;
        // A node going down stopped the worker: the scheduler requeues the run, which resumes from its last checkpoint.
        if (_deactivating) return ending.Outcome;
        logger.LogWarning("Worker of experiment {ExperimentId} ended without recording it: {Phase} ({Reason})", experimentId, ending.Outcome.Phase, ending.Outcome.FailureReason);
        var runner = services.GetRequiredService<ExperimentRunner>();
        var status = ending.Outcome.Phase == ExperimentStatus.Cancelled ? ExperimentStatus.Cancelled : ExperimentStatus.Failed;
        var (written, reason) = await runner.FinishAfterWorkerAsync(experimentId, status, ending.Outcome.FailureReason ?? "the worker ended", CancellationToken.None);
        // A worker that died after recording Completed (before saying so) did finish: the row keeps that ending.
        return written == ExperimentStatus.Completed ? ending.Outcome with { Phase = ExperimentStatus.Completed, FailureReason = null } : ending.Outcome with { FailureReason = reason };
    }

    private async Task ReportEnded(IExperimentRunGrain experiment, Guid experimentId, Guid runId, RunOutcome? outcome)
    {
        if (outcome is null) return;
        try
        {
            await experiment.ReportEnded(runId, outcome);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not report the end of experiment {ExperimentId}", experimentId);
        }
    }

    /// <summary>Live step losses: one-way and best effort (they are in the tracking database already).</summary>
    private void ReportSteps(IExperimentRunGrain experiment, Guid runId, StepLosses steps)
    {
        if (_deactivating) return;
        experiment.ReportSteps(runId, steps).ContinueWith(
            t => logger.LogDebug(t.Exception, "Could not report step losses of experiment {ExperimentId}", steps.ExperimentId),
            TaskContinuationOptions.OnlyOnFaulted);
    }

    private void Report(IExperimentRunGrain experiment, Guid runId, EpochMetrics metrics, string? bestCheckpoint, CancellationTokenSource cancel)
    {
        if (_deactivating) return;
        try
        {
            if (!experiment.ReportEpoch(runId, metrics, bestCheckpoint).GetAwaiter().GetResult()) cancel.Cancel();
        }
        catch (Exception e)
        {
            // Live updates are best effort; the epoch is already in the tracking database.
            logger.LogWarning(e, "Could not report epoch {Epoch} of experiment {ExperimentId}", metrics.Epoch, metrics.ExperimentId);
        }
    }
}
