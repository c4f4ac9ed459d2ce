using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Infrastructure.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace CaptionBoundaries.Grains.Experiments;

/// <summary>
/// One experiment's lifecycle. The training itself runs on the leased slot's node (<see cref="IWorkerSlotGrain.Run"/>),
/// which reports each epoch and the ending back through calls on this grain under the run's id, so state and observers
/// change on the grain's own turn wherever the two activations live. A run whose node is lost is requeued by the
/// scheduler (<see cref="Interrupted"/>) and resumes from its last checkpoint.
/// </summary>
public sealed class ExperimentGrain(
    [PersistentState("experiment", GrainStorageNames.Default)] IPersistentState<ExperimentGrainState> state,
    IServiceScopeFactory scopes,
    ILogger<ExperimentGrain> logger) : Grain, IExperimentGrain, IExperimentRunGrain
{
    public const string CancelledReason = "cancelled by the user";
    public const string ClusterActor = "cluster";
    public const int MaxOwnerLength = 100;
    public const int MaxPreemptionReasonLength = 500;

    private readonly ObserverManager<IExperimentObserver> _observers = new(TimeSpan.FromMinutes(5), logger);

    private ExperimentGrainState S => state.State;
    private Guid Id => this.GetPrimaryKey();

    /// <summary>
    /// A spec that cannot run (unknown plugin, bad config key, not a dataset) is refused with a
    /// <see cref="DomainException"/> (invalid) naming the field; nothing is stored or queued. Submitting twice is a no-op.
    /// </summary>
    public async Task<ExperimentInfo> Submit(RunSpec spec)
    {
        if (S.Spec is not null) return Info();
        spec = spec with { Owner = CheckOwner(spec.Owner) };

        try
        {
            // The spec was checked where it entered (the request's validator, or the sweep for its trials); queueing
            // resolves its plugins, config and dataset, and refuses what cannot run before anything is stored.
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ExperimentRunner>().QueueAsync(Id, spec, CancellationToken.None);
        }
        // Queueing's own refusals are domain errors already; these three specialised ones have no Orleans codec, so
        // they cross as the domain error, with the field they name.
        catch (UnknownPluginException e) { throw DomainException.Invalid(e.Message, e.Kind.ToString().ToLowerInvariant()); }
        catch (ModelConfigException e) { throw DomainException.Invalid(e.Message, $"model_config.{e.Key}"); }
        catch (DatasetFormatException e) { throw DomainException.Invalid(e.Message, "dataset"); }
        state.State = new ExperimentGrainState { Spec = spec, Phase = ExperimentStatus.Queued, QueuedAtUtc = DateTime.UtcNow };
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
            case ExperimentStatus.Queued:
                await EndCancelledHere();
                await GrainFactory.GetGrain<ISchedulerGrain>(0).Dequeue(Id);
                break;
            case ExperimentStatus.Running:
                logger.LogInformation("Experiment {ExperimentId}: cancel asked while running on {Slot} (run {RunId})", Id, S.Slot, S.RunId);
                // The slot's training stops at its next step, records Cancelled and reports the ending here.
                // A cancel wins over a pre-emption still in progress: the run ends instead of requeueing.
                S.PendingPreemption = null;
                await RequestStop();
                break;
        }
        return Info();
    }

    public async Task<ExperimentInfo> Preempt(string by, string reason)
    {
        RequireSubmitted();
        if (string.IsNullOrWhiteSpace(by)) throw DomainException.Invalid("by: who pre-empts the run is required.");
        if (string.IsNullOrWhiteSpace(reason)) throw DomainException.Invalid("reason: say why the run is pre-empted.");
        if (reason.Length > MaxPreemptionReasonLength)
            throw DomainException.Invalid($"reason: at most {MaxPreemptionReasonLength} characters (got {reason.Length}).");
        if (S.Phase != ExperimentStatus.Running || S.Slot is null)
            throw DomainException.Conflict($"Experiment {Id} is {S.Phase}; only a running experiment can be pre-empted.");
        // The trainer writes last.pt after every epoch and checks the token every step, so at most the epoch in
        // progress is lost; the ending comes back through ReportEnded, which requeues.
        S.PendingPreemption ??= new PreemptionRecord(by.Trim(), reason.Trim(), DateTime.UtcNow, S.Slot, S.EpochsDone, null, null);
        await RequestStop();
        logger.LogInformation("Experiment {ExperimentId} pre-empted by {By}: {Reason}", Id, by, reason);
        return Info();
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
        if (S.Spec is null || S.Phase != ExperimentStatus.Queued) return false;

        S.Phase = ExperimentStatus.Running;
        S.Slot = slot;
        S.Device = device;
        // A new id per start: reports from an earlier start (a run on a node since lost) are ignored.
        S.RunId = Guid.NewGuid();
        // A resumed run (after a pre-emption or a lost node) keeps its first start.
        S.StartedAtUtc ??= DateTime.UtcNow;
        await state.WriteStateAsync();
        NotifyChanged();
        try
        {
            await GrainFactory.GetGrain<IWorkerSlotGrain>(slot).Run(Id, S.RunId, S.Spec);
        }
        catch
        {
            // The slot could not take it (its node unreachable): still queued, so the scheduler gives it another slot.
            S.Phase = ExperimentStatus.Queued;
            S.Slot = null;
            S.Device = null;
            S.RunId = Guid.Empty;
            await state.WriteStateAsync();
            NotifyChanged();
            throw;
        }
        return true;
    }

    public async Task<bool> Interrupted(string reason)
    {
        if (S.Spec is null || S.Phase != ExperimentStatus.Running) return false;
        if (S.StopRequested && S.PendingPreemption is null)
        {
            // The user had asked to cancel it: the interruption ends the run as asked instead of resuming it.
            await EndCancelledHere();
            return false;
        }
        await ReturnToQueue(ClusterActor, reason, DateTime.UtcNow, null);
        logger.LogWarning("Experiment {ExperimentId} interrupted ({Reason}); requeued to resume from {Checkpoint}",
            Id, reason, S.Spec.ResumeFrom ?? "the start");
        return true;
    }

    public async Task<bool> ReportEpoch(Guid runId, EpochMetrics metrics, string? bestCheckpoint)
    {
        // A report of a run this experiment no longer runs: that run must stop.
        if (runId != S.RunId || S.Phase != ExperimentStatus.Running) return false;
        S.EpochsDone = metrics.Epoch;
        if (bestCheckpoint is not null)
        {
            S.BestValMacroF1 = metrics.ValMacroF1;
            S.BestCheckpoint = bestCheckpoint;
        }
        await state.WriteStateAsync();
        _observers.Notify(o => o.OnEpoch(metrics));
        NotifyChanged();
        return !S.StopRequested;
    }

    public Task ReportSteps(Guid runId, StepLosses steps)
    {
        // Only the current run's points; nothing is stored here (the runner recorded them).
        if (runId == S.RunId && S.Phase == ExperimentStatus.Running) _observers.Notify(o => o.OnSteps(steps));
        return Task.CompletedTask;
    }

    public async Task ReportEnded(Guid runId, RunOutcome outcome)
    {
        logger.LogInformation("Experiment {ExperimentId}: run {RunId} ended {Phase} (current run {Current}, phase {Own})",
            Id, runId, outcome.Phase, S.RunId, S.Phase);
        if (runId != S.RunId || S.Phase != ExperimentStatus.Running) return;
        var preemption = S.PendingPreemption;
        S.PendingPreemption = null;
        S.StopRequested = false;
        // A run that completed (or failed) before the cancellation reached it simply ended.
        if (preemption is { } p && outcome.Phase == ExperimentStatus.Cancelled)
        {
            await RequeueAfterPreemption(p.By, p.Reason, p.AtUtc, outcome);
            return;
        }
        S.Phase = outcome.Phase;
        S.FailureReason = outcome.FailureReason;
        S.BestValMacroF1 = outcome.BestValMacroF1 ?? S.BestValMacroF1;
        S.BestCheckpoint = outcome.BestCheckpoint ?? S.BestCheckpoint;
        S.FinishedAtUtc = DateTime.UtcNow;
        S.RunId = Guid.Empty;
        await state.WriteStateAsync();
        NotifyChanged();
        await GrainFactory.GetGrain<ISchedulerGrain>(0).RunEnded(Id);
    }

    private async Task RequeueAfterPreemption(string by, string reason, DateTime atUtc, RunOutcome outcome)
    {
        await ReturnToQueue(by, reason, atUtc, outcome);
        logger.LogInformation("Experiment {ExperimentId} requeued after pre-emption; resumes from {Checkpoint}", Id, S.Spec!.ResumeFrom ?? "the start");
        await GrainFactory.GetGrain<ISchedulerGrain>(0).Requeue(Id);
    }

    /// <summary>
    /// Back to Queued with the same id: the tracking row turns Queued (its epochs and checkpoints stay), the spec now
    /// resumes from the run's last checkpoint (a plan resumes its unfinished stage by itself), and the interruption is
    /// recorded. The caller puts it back in the scheduler's queue.
    /// </summary>
    private async Task ReturnToQueue(string by, string reason, DateTime atUtc, RunOutcome? outcome)
    {
        PreemptedRun resume;
        await using (var scope = scopes.CreateAsyncScope())
            resume = await scope.ServiceProvider.GetRequiredService<ExperimentRunner>().RequeueAfterPreemptionAsync(Id);
        var plain = S.Spec!.Stages.Count == 0;
        var resumeFrom = plain && resume.LastCheckpoint is not null ? resume.LastCheckpoint : S.Spec.ResumeFrom;
        S.Preemptions.Add(new PreemptionRecord(by, reason, atUtc, S.Slot, S.EpochsDone, plain ? resume.LastEpoch : null, plain ? resumeFrom : null));
        S.Spec = S.Spec with { ResumeFrom = resumeFrom };
        S.Phase = ExperimentStatus.Queued;
        S.Slot = null;
        S.Device = null;
        S.RunId = Guid.Empty;
        S.StopRequested = false;
        S.PendingPreemption = null;
        if (resume.LastEpoch is { } done && plain) S.EpochsDone = done;
        S.BestValMacroF1 = outcome?.BestValMacroF1 ?? S.BestValMacroF1;
        S.BestCheckpoint = outcome?.BestCheckpoint ?? S.BestCheckpoint;
        await state.WriteStateAsync();
        NotifyChanged();
    }

    /// <summary>
    /// Records the stop (the slot learns of it at the run's next epoch report, whatever happens to the direct call) and
    /// asks the slot to stop now. If the slot's node cannot be reached the run cannot report its ending, so a cancel ends
    /// it here (the scheduler requeues nothing for a cancelled run) and a pre-emption is left to the node-loss path.
    /// </summary>
    private async Task RequestStop()
    {
        S.StopRequested = true;
        await state.WriteStateAsync();
        try
        {
            await GrainFactory.GetGrain<IWorkerSlotGrain>(S.Slot!).Stop(S.RunId);
        }
        catch (Exception e) when (S.PendingPreemption is null)
        {
            logger.LogWarning(e, "Slot {Slot} of experiment {ExperimentId} is unreachable; the run is cancelled here", S.Slot, Id);
            await EndCancelledHere();
            await GrainFactory.GetGrain<ISchedulerGrain>(0).RunEnded(Id);
        }
    }

    /// <summary>
    /// Ends the experiment as Cancelled without a report from a slot (cancelled while queued, or its run unreachable).
    /// The grain state is marked first, so a Start racing with this finds it no longer queued; then the tracking row.
    /// The caller tells the scheduler, if it may (never from a call the scheduler is waiting on).
    /// </summary>
    private async Task EndCancelledHere()
    {
        S.Phase = ExperimentStatus.Cancelled;
        S.FailureReason = CancelledReason;
        S.FinishedAtUtc = DateTime.UtcNow;
        S.RunId = Guid.Empty;
        S.StopRequested = false;
        S.PendingPreemption = null;
        await state.WriteStateAsync();
        await using (var scope = scopes.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ExperimentRunner>().FinishAsync(Id, ExperimentStatus.Cancelled, CancelledReason);
        NotifyChanged();
    }

    private void NotifyChanged()
    {
        var info = Info();
        _observers.Notify(o => o.OnChanged(info));
    }

    private static string CheckOwner(string? owner)
    {
        if (string.IsNullOrWhiteSpace(owner)) return RunSpec.DefaultOwner;
        owner = owner.Trim();
        return owner.Length <= MaxOwnerLength
            ? owner
            : throw DomainException.Invalid($"owner: at most {MaxOwnerLength} characters (got {owner.Length}).");
    }

    private void RequireSubmitted()
    {
        // Reached with any well-formed id a caller types: "not found" (404), not a server error.
        if (S.Spec is null) throw DomainException.NotFound($"No experiment has id '{Id}'.");
    }

    private ExperimentInfo Info() => new(
        Id, S.Spec?.Name ?? "", S.Phase, S.Slot, S.EpochsDone, S.Spec?.TotalEpochs ?? 0, S.BestValMacroF1, S.BestCheckpoint,
        S.FailureReason, S.QueuedAtUtc, S.StartedAtUtc, S.FinishedAtUtc)
    {
        Owner = S.Spec?.Owner ?? RunSpec.DefaultOwner,
        Preemptions = S.Preemptions.ToList(),
    };
}
