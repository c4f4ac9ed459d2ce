using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Datasets;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Application.Plugins;
using CaptionBoundaries.Application.Infrastructure;
using CaptionBoundaries.Application.Tracking;
using CaptionBoundaries.Application.Training;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace CaptionBoundaries.Grains.Experiments;

/// <summary>
/// One experiment's lifecycle. Training runs on the thread pool (it would block the grain for minutes) through the
/// Application's <see cref="ExperimentRunner"/>, which also keeps the tracking row current; the training thread reports
/// each epoch and the ending back through calls on this grain, so state and observers change on the grain's own turn.
/// </summary>
public sealed class ExperimentGrain(
    [PersistentState("experiment", GrainStorageNames.Default)] IPersistentState<ExperimentGrainState> state,
    IServiceScopeFactory scopes,
    ILogger<ExperimentGrain> logger) : Grain, IExperimentGrain, IExperimentRunGrain
{
    public const string HostRestartedReason = "host restarted during the run";
    public const string CancelledReason = "cancelled by the user";
    public const int MaxOwnerLength = 100;
    public const int MaxPreemptionReasonLength = 500;

    private readonly ObserverManager<IExperimentObserver> _observers = new(TimeSpan.FromMinutes(5), logger);
    private CancellationTokenSource? _cancel;
    private Task? _run;
    private Guid _runId;
    private volatile bool _deactivating;

    // Set by Preempt until the training thread has stopped: its ending then requeues instead of finishing the run.
    private (string By, string Reason, DateTime AtUtc)? _preemption;

    private ExperimentGrainState S => state.State;
    private Guid Id => this.GetPrimaryKey();

    /// <summary>
    /// A run lives only as long as the activation that started it, so a stored Running phase seen by a new activation
    /// means the host went down mid-run. Policy: the run is marked Failed (not re-queued) — its partial checkpoints and
    /// metrics stay recorded and the user can resume from "last.pt" deliberately.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is null || S.Phase != ExperimentPhase.Running) return;
        await using var scope = scopes.CreateAsyncScope();
        var (status, _) = await scope.ServiceProvider.GetRequiredService<ExperimentRunner>()
            .FinishAsync(Id, ExperimentStatus.Failed, HostRestartedReason, cancellationToken);
        // The row may show the run completed just before the host died; the tracking row is the better witness.
        S.Phase = status == ExperimentStatus.Completed ? ExperimentPhase.Completed : ExperimentPhase.Failed;
        S.FailureReason = status == ExperimentStatus.Completed ? null : HostRestartedReason;
        S.FinishedAtUtc = DateTime.UtcNow;
        await state.WriteStateAsync(cancellationToken);
        logger.LogWarning("Experiment {ExperimentId} was running when its host stopped; marked {Phase}", Id, S.Phase);
        // Not awaited: the scheduler may be the caller activating us (reconciling), and it frees the slot either way.
        _ = GrainFactory.GetGrain<ISchedulerGrain>(0).RunEnded(Id).ContinueWith(
            t => logger.LogError(t.Exception, "Could not tell the scheduler that {ExperimentId} ended", Id),
            TaskContinuationOptions.OnlyOnFaulted);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_run is { IsCompleted: false } run)
        {
            // The host is going down under a running experiment: stop training; the next activation settles the state.
            _deactivating = true;
            _cancel?.Cancel();
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                logger.LogWarning("Training of {ExperimentId} did not stop within 30 s of deactivation", Id);
            }
        }
    }

    /// <summary>
    /// Bad input (invalid hyperparameters, unknown plugin, bad config key, not a dataset) is refused with an
    /// <see cref="ArgumentException"/> naming the problem; nothing is stored or queued. Submitting twice is a no-op.
    /// </summary>
    public async Task<ExperimentInfo> Submit(ExperimentSpec spec)
    {
        if (S.Spec is not null) return Info();
        spec = spec with { Owner = CheckOwner(spec.Owner) };

        var command = spec.ToTrainCommand("cpu");
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IValidator<TrainModelCommand>>().ValidateAndThrowAsync(command);
            await scope.ServiceProvider.GetRequiredService<ExperimentRunner>().QueueAsync(Id, command, CancellationToken.None);
        }
        catch (Exception e) when (e is ValidationException or UnknownPluginException or ArgumentException or DatasetFormatException)
        {
            // The Application's exception types have no Orleans codec; the caller gets the message, which names the field.
            throw new ArgumentException(e.Message);
        }
        state.State = new ExperimentGrainState { Spec = spec, Phase = ExperimentPhase.Queued, QueuedAtUtc = DateTime.UtcNow };
        await state.WriteStateAsync();
        NotifyChanged();
        await GrainFactory.GetGrain<ISchedulerGrain>(0).Enqueue(Id, spec.Owner);
        return Info();
    }

    public Task<ExperimentInfo> GetInfo() => Task.FromResult(Info());

    public async Task<ExperimentInfo> Cancel()
    {
        RequireSubmitted();
        switch (S.Phase)
        {
            case ExperimentPhase.Queued:
                // Marked first: a Start racing with this call then finds the experiment no longer queued.
                S.Phase = ExperimentPhase.Cancelled;
                S.FailureReason = CancelledReason;
                S.FinishedAtUtc = DateTime.UtcNow;
                await state.WriteStateAsync();
                await using (var scope = scopes.CreateAsyncScope())
                    await scope.ServiceProvider.GetRequiredService<ExperimentRunner>().FinishAsync(Id, ExperimentStatus.Cancelled, CancelledReason);
                NotifyChanged();
                await GrainFactory.GetGrain<ISchedulerGrain>(0).Dequeue(Id);
                break;
            case ExperimentPhase.Running:
                // The training thread stops at its next step, records Cancelled and reports the ending here.
                // A cancel wins over a pre-emption still in progress: the run ends instead of requeueing.
                _preemption = null;
                _cancel?.Cancel();
                break;
        }
        return Info();
    }

    public Task<ExperimentInfo> Preempt(string by, string reason)
    {
        RequireSubmitted();
        if (string.IsNullOrWhiteSpace(by)) throw new ArgumentException("by: who pre-empts the run is required.");
        if (string.IsNullOrWhiteSpace(reason)) throw new ArgumentException("reason: say why the run is pre-empted.");
        if (reason.Length > MaxPreemptionReasonLength)
            throw new ArgumentException($"reason: at most {MaxPreemptionReasonLength} characters (got {reason.Length}).");
        if (S.Phase != ExperimentPhase.Running || _cancel is null)
            throw new InvalidOperationException($"Experiment {Id} is {S.Phase}; only a running experiment can be pre-empted.");
        // The trainer writes last.pt after every epoch and checks the token every step, so at most the epoch in
        // progress is lost; the ending comes back through ReportEnded, which requeues.
        _preemption ??= (by.Trim(), reason.Trim(), DateTime.UtcNow);
        _cancel.Cancel();
        logger.LogInformation("Experiment {ExperimentId} pre-empted by {By}: {Reason}", Id, by, reason);
        return Task.FromResult(Info());
    }

    public Task Subscribe(IExperimentObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IExperimentObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task<bool> Start(string slot, string device)
    {
        if (S.Spec is null || S.Phase != ExperimentPhase.Queued) return false;

        S.Phase = ExperimentPhase.Running;
        S.Slot = slot;
        S.Device = device;
        // A resumed run (after a pre-emption) keeps its first start.
        S.StartedAtUtc ??= DateTime.UtcNow;
        await state.WriteStateAsync();
        NotifyChanged();

        // Idle collection must not take the activation (and with it the run) away mid-training.
        DelayDeactivation(TimeSpan.FromDays(365));
        _runId = Guid.NewGuid();
        _cancel = new CancellationTokenSource();
        var self = this.AsReference<IExperimentRunGrain>();
        var runId = _runId;
        var command = S.Spec.ToTrainCommand(device);
        var token = _cancel.Token;
        _run = Task.Run(() => TrainOffScheduler(self, runId, command, token));
        return true;
    }

    public async Task ReportEpoch(Guid runId, EpochMetrics metrics, string? bestCheckpoint)
    {
        if (runId != _runId || S.Phase != ExperimentPhase.Running) return;
        S.EpochsDone = metrics.Epoch;
        if (bestCheckpoint is not null)
        {
            S.BestValMacroF1 = metrics.ValMacroF1;
            S.BestCheckpoint = bestCheckpoint;
        }
        await state.WriteStateAsync();
        _observers.Notify(o => o.OnEpoch(metrics));
        NotifyChanged();
    }

    public async Task ReportEnded(Guid runId, RunOutcome outcome)
    {
        if (runId != _runId || S.Phase != ExperimentPhase.Running) return;
        var preemption = _preemption;
        _preemption = null;
        // A run that completed (or failed) before the cancellation reached it simply ended.
        if (preemption is { } p && outcome.Phase == ExperimentPhase.Cancelled)
        {
            await RequeueAfterPreemption(p.By, p.Reason, p.AtUtc, outcome);
            return;
        }
        S.Phase = outcome.Phase;
        S.FailureReason = outcome.FailureReason;
        S.BestValMacroF1 = outcome.BestValMacroF1 ?? S.BestValMacroF1;
        S.BestCheckpoint = outcome.BestCheckpoint ?? S.BestCheckpoint;
        S.FinishedAtUtc = DateTime.UtcNow;
        await state.WriteStateAsync();
        _cancel?.Dispose();
        _cancel = null;
        DelayDeactivation(TimeSpan.Zero);
        NotifyChanged();
        await GrainFactory.GetGrain<ISchedulerGrain>(0).RunEnded(Id);
    }

    /// <summary>
    /// Back to the queue with the same id: the tracking row turns Queued (its epochs and checkpoints stay), the spec now
    /// resumes from the run's last checkpoint (a plan resumes its unfinished stage by itself), and the scheduler frees the
    /// slot and hands it to the fair-share pick.
    /// </summary>
    private async Task RequeueAfterPreemption(string by, string reason, DateTime atUtc, RunOutcome outcome)
    {
        PreemptedRun resume;
        await using (var scope = scopes.CreateAsyncScope())
            resume = await scope.ServiceProvider.GetRequiredService<ExperimentRunner>().RequeueAfterPreemptionAsync(Id);
        var plain = S.Spec!.Stages.Count == 0;
        var resumeFrom = plain && resume.LastCheckpoint is not null ? resume.LastCheckpoint : S.Spec.ResumeFrom;
        S.Preemptions.Add(new PreemptionRecord(by, reason, atUtc, S.Slot, S.EpochsDone, plain ? resume.LastEpoch : null, plain ? resumeFrom : null));
        S.Spec = S.Spec with { ResumeFrom = resumeFrom };
        S.Phase = ExperimentPhase.Queued;
        S.Slot = null;
        S.Device = null;
        S.BestValMacroF1 = outcome.BestValMacroF1 ?? S.BestValMacroF1;
        S.BestCheckpoint = outcome.BestCheckpoint ?? S.BestCheckpoint;
        await state.WriteStateAsync();
        _cancel?.Dispose();
        _cancel = null;
        DelayDeactivation(TimeSpan.Zero);
        NotifyChanged();
        logger.LogInformation("Experiment {ExperimentId} requeued after pre-emption; resumes from {Checkpoint}", Id, resumeFrom ?? "the start");
        await GrainFactory.GetGrain<ISchedulerGrain>(0).Requeue(Id);
    }

    /// <summary>Runs on the thread pool: touches no grain state, only calls back through the grain reference.</summary>
    private async Task TrainOffScheduler(IExperimentRunGrain self, Guid runId, TrainModelCommand command, CancellationToken token)
    {
        var experimentId = Id;
        RunOutcome outcome;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var runner = scope.ServiceProvider.GetRequiredService<ExperimentRunner>();
            var bestPath = Path.Combine(scope.ServiceProvider.GetRequiredService<CaptionBoundariesOptions>().ExperimentFolder(experimentId), Trainer.BestKind + ".pt");
            var result = await runner.RunAsync(experimentId, command with
            {
                // Blocking here is fine (a pool thread, not the grain's): the next epoch waits until this one is recorded.
                OnEpoch = epoch => Report(self, runId, ToMetrics(experimentId, epoch), epoch.IsBest ? bestPath : null),
            }, token);
            outcome = new RunOutcome(PhaseOf(result.Status), result.BestValMacroF1, result.BestCheckpoint, result.FailureReason);
        }
        catch (Exception e)
        {
            // RunAsync records the run's own failures; this is the tracking store itself failing.
            logger.LogError(e, "Run of experiment {ExperimentId} failed outside the trainer", experimentId);
            outcome = new RunOutcome(ExperimentPhase.Failed, null, null, $"{e.GetType().Name}: {e.Message}");
        }
        if (_deactivating) return;
        try
        {
            await self.ReportEnded(runId, outcome);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not report the end of experiment {ExperimentId}", experimentId);
        }
    }

    private void Report(IExperimentRunGrain self, Guid runId, EpochMetrics metrics, string? bestCheckpoint)
    {
        if (_deactivating) return;
        try
        {
            self.ReportEpoch(runId, metrics, bestCheckpoint).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            // Live updates are best effort; the epoch is already in the tracking database.
            logger.LogWarning(e, "Could not report epoch {Epoch} of experiment {ExperimentId}", metrics.Epoch, metrics.ExperimentId);
        }
    }

    private static EpochMetrics ToMetrics(Guid experimentId, EpochResult epoch) => new(
        experimentId, epoch.Epoch, epoch.TrainLoss, epoch.ValLoss, epoch.Validation.Accuracy, epoch.Validation.MacroF1,
        epoch.Validation.PerClassF1ByName().Values.ToArray());

    private static ExperimentPhase PhaseOf(string status) => Enum.Parse<ExperimentStatus>(status) switch
    {
        ExperimentStatus.Completed => ExperimentPhase.Completed,
        ExperimentStatus.Cancelled => ExperimentPhase.Cancelled,
        _ => ExperimentPhase.Failed,
    };

    private void NotifyChanged()
    {
        var info = Info();
        _observers.Notify(o => o.OnChanged(info));
    }

    private static string CheckOwner(string? owner)
    {
        if (string.IsNullOrWhiteSpace(owner)) return ExperimentSpec.DefaultOwner;
        owner = owner.Trim();
        return owner.Length <= MaxOwnerLength
            ? owner
            : throw new ArgumentException($"owner: at most {MaxOwnerLength} characters (got {owner.Length}).");
    }

    private void RequireSubmitted()
    {
        if (S.Spec is null) throw new InvalidOperationException($"Experiment {Id} was never submitted.");
    }

    private ExperimentInfo Info() => new(
        Id, S.Spec?.Name ?? "", S.Phase, S.Slot, S.EpochsDone, S.Spec?.TotalEpochs ?? 0, S.BestValMacroF1, S.BestCheckpoint,
        S.FailureReason, S.QueuedAtUtc, S.StartedAtUtc, S.FinishedAtUtc)
    {
        Owner = S.Spec?.Owner ?? ExperimentSpec.DefaultOwner,
        Preemptions = S.Preemptions.ToList(),
    };
}
