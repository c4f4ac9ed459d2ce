using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains.Abstractions;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Grains.Sweeps;

/// <summary>
/// One sweep. Each trial is an experiment submitted to the scheduler like any other, so trials share the worker slots
/// FIFO with everything else; the sweep keeps as many in flight as there are slots. Epoch metrics arrive through the
/// experiment observer and feed the early-termination scheduler, whose Stop cancels that trial's experiment. A grain
/// timer polls the in-flight trials too: observer messages are best effort and do not survive a host restart, the
/// experiments' own state does.
/// </summary>
public sealed class SweepGrain(
    [PersistentState("sweep", GrainStorageNames.Default)] IPersistentState<SweepGrainState> state,
    PluginRegistry plugins,
    IServiceScopeFactory scopes,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, ISweepRunGrain, IExperimentObserver
{
    private static readonly TimeSpan PollPeriod = TimeSpan.FromSeconds(1);

    // Experiments forget observers after 5 minutes (and all of them on a restart).
    private static readonly TimeSpan ResubscribePeriod = TimeSpan.FromMinutes(1);

    private SweepDefinition? _definition;
    private ISweepSampler? _sampler;
    private ITrialScheduler? _scheduler;
    private bool _exhausted;
    private IGrainTimer? _timer;
    private DateTime _subscribedAtUtc = DateTime.MinValue;

    private SweepGrainState S => state.State;
    private Guid Id => this.GetPrimaryKey();
    private SweepDefinition Definition => _definition!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Definition is null) return Task.CompletedTask;
        Rebuild();
        if (S.Phase is SweepPhase.Running or SweepPhase.Paused) EnsureTimer();
        return Task.CompletedTask;
    }

    public async Task<SweepInfo> Start(string definition, RunSpec baseSpec)
    {
        if (S.Definition is not null) return Info();
        SweepDefinition parsed;
        ISweepSampler sampler;
        ITrialScheduler? scheduler;
        try
        {
            parsed = SweepDefinitionParser.Parse(definition);
            var architecture = plugins.GetArchitecture(baseSpec.Architecture);
            var problems = TrialSpecMapping.UnknownConfigKeys(parsed, architecture.DefaultConfig, baseSpec.Architecture)
                .Concat(TrialSpecMapping.ValueProblems(parsed)).ToList();
            if (!SweepMetricReader.IsKnown(parsed.Metric.Name))
                problems.Add(new("metric.name", $"metric.name must be one of {string.Join(", ", SweepMetricReader.Names)} (got '{parsed.Metric.Name}')"));
            if (problems.Count > 0) throw new SweepDefinitionException(problems);
            // Built before anything is stored: a definition the sampler cannot take is refused here, never a stored
            // sweep whose every timer tick throws.
            sampler = SweepFactory.CreateSampler(parsed);
            scheduler = SweepFactory.CreateScheduler(parsed);
        }
        // These two specialised refusals have no Orleans codec: they cross as the domain error, naming the field when
        // there is one to name (the sampler's own refusals are domain errors already).
        catch (SweepDefinitionException e) { throw DomainException.Invalid(e.Message, e.Errors is [var only] ? only.Path : null); }
        catch (UnknownPluginException e) { throw DomainException.Invalid(e.Message, e.Kind.ToString().ToLowerInvariant()); }

        state.State = new SweepGrainState { Definition = definition, BaseSpec = baseSpec, Phase = SweepPhase.Running };
        _definition = parsed;
        _sampler = sampler;
        _scheduler = scheduler;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ISweepCatalogGrain>(0).Add(Id);
        logger.LogInformation("Sweep {SweepId} ({Name}) started: {Method} on {Metric}", Id, parsed.Name, parsed.Method, parsed.Metric.Name);
        EnsureTimer();
        await Advance();
        return Info();
    }

    public async Task<SweepInfo> Pause()
    {
        RequireStarted();
        if (S.Phase == SweepPhase.Running)
        {
            S.Phase = SweepPhase.Paused;
            await state.WriteStateAsync();
        }
        return Info();
    }

    public async Task<SweepInfo> Resume()
    {
        RequireStarted();
        if (S.Phase == SweepPhase.Paused)
        {
            S.Phase = SweepPhase.Running;
            await state.WriteStateAsync();
            EnsureTimer();
            await Advance();
        }
        return Info();
    }

    public async Task<SweepInfo> Cancel()
    {
        RequireStarted();
        if (S.Phase is SweepPhase.Completed or SweepPhase.Cancelled) return Info();
        S.Phase = SweepPhase.Cancelled;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ISweepCatalogGrain>(0).Remove(Id);
        foreach (var trial in S.Trials.Where(t => t.InFlight).ToList())
            Settle(trial, await GrainFactory.GetGrain<IExperimentGrain>(trial.ExperimentId).Cancel());
        await state.WriteStateAsync();
        return Info();
    }

    public Task<SweepInfo> GetStatus()
    {
        RequireStarted();
        return Task.FromResult(Info());
    }

    // Observer callbacks are synchronous one-way messages: hand each to a turn of its own, where it may await.
    void IExperimentObserver.OnEpoch(EpochMetrics metrics) => Forward(self => self.TrialEpoch(metrics));

    void IExperimentObserver.OnChanged(ExperimentInfo info) => Forward(self => self.TrialChanged(info));

    // Trials are judged by their epochs; step losses are for the run page.
    void IExperimentObserver.OnSteps(StepLosses steps)
    {
    }

    public async Task TrialEpoch(EpochMetrics metrics)
    {
        var trial = S.Trials.FirstOrDefault(t => t.ExperimentId == metrics.ExperimentId);
        if (trial is null || !trial.InFlight || trial.Steps.Any(s => s.Epoch == metrics.Epoch)) return;

        var value = SweepMetricReader.Read(Definition.Metric.Name, metrics);
        trial.Steps.Add(new TrialStep(metrics.Epoch, value));
        trial.Status = TrialStatus.Running;
        trial.EpochsDone = Math.Max(trial.EpochsDone, metrics.Epoch);
        trial.Metric = BestOf(trial);
        var decision = _scheduler?.Report(TrialKey(trial), metrics.Epoch, value);
        if (decision is { ShouldStop: true } && !trial.StopRequested && S.Phase != SweepPhase.Cancelled)
        {
            trial.StopRequested = true;
            trial.Reason = decision.Reason;
            await state.WriteStateAsync();
            logger.LogInformation("Sweep {SweepId} stops trial {Trial} after epoch {Epoch}: {Reason}", Id, trial.Number, metrics.Epoch, decision.Reason);
            Settle(trial, await GrainFactory.GetGrain<IExperimentGrain>(trial.ExperimentId).Cancel());
        }
        await state.WriteStateAsync();
        if (!trial.InFlight) await Advance();
    }

    public async Task TrialChanged(ExperimentInfo info)
    {
        var trial = S.Trials.FirstOrDefault(t => t.ExperimentId == info.Id);
        if (trial is null || !trial.InFlight) return;
        Settle(trial, info);
        await state.WriteStateAsync();
        if (!trial.InFlight) await Advance();
    }

    /// <summary>The timer: reads every in-flight trial's experiment (catching endings the observer missed, e.g. across a restart), then schedules.</summary>
    private async Task Poll(CancellationToken cancellationToken)
    {
        var resubscribe = DateTime.UtcNow - _subscribedAtUtc > ResubscribePeriod;
        var observer = this.AsReference<IExperimentObserver>();
        foreach (var trial in S.Trials.Where(t => t.InFlight).ToList())
        {
            var experiment = GrainFactory.GetGrain<IExperimentGrain>(trial.ExperimentId);
            if (resubscribe) await experiment.Subscribe(observer);
            Settle(trial, await experiment.GetInfo());
        }
        if (resubscribe) _subscribedAtUtc = DateTime.UtcNow;
        await state.WriteStateAsync();
        await Advance();
        if (S.Phase is SweepPhase.Completed or SweepPhase.Cancelled && !S.Trials.Any(t => t.InFlight))
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>Launches trials up to the slot count while the sweep runs, and completes it when nothing is left.</summary>
    private async Task Advance()
    {
        if (S.Phase != SweepPhase.Running) return;
        var slots = Math.Max(1, (await GrainFactory.GetGrain<ISchedulerGrain>(0).GetSnapshot()).Slots.Count);
        while (S.Trials.Count(t => t.InFlight) < slots && !_exhausted && S.Phase == SweepPhase.Running)
        {
            if (Definition.RunCap is { } cap && S.Trials.Count >= cap)
            {
                _exhausted = true;
                break;
            }
            var parameters = _sampler!.Next(Observations());
            if (parameters is null)
            {
                _exhausted = true;
                break;
            }
            await Launch(parameters);
        }
        if (_exhausted && !S.Trials.Any(t => t.InFlight))
        {
            S.Phase = SweepPhase.Completed;
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<ISweepCatalogGrain>(0).Remove(Id);
            logger.LogInformation("Sweep {SweepId} completed with {Trials} trials; best {Best}", Id, S.Trials.Count, BestTrial()?.Number);
        }
    }

    private async Task Launch(IReadOnlyDictionary<string, object> parameters)
    {
        var trial = new TrialState
        {
            Number = S.Trials.Count + 1,
            ExperimentId = Guid.NewGuid(),
            Parameters = new Dictionary<string, string>(ParameterText.Format(parameters)),
            Status = TrialStatus.Queued,
        };
        // Recorded before submitting: a restart in between leaves a trial the poll can still find, never an orphan run.
        S.Trials.Add(trial);
        await state.WriteStateAsync();

        var experiment = GrainFactory.GetGrain<IExperimentGrain>(trial.ExperimentId);
        var spec = TrialSpecMapping.Apply(S.BaseSpec!, parameters, TrialSpecMapping.TrialName(Definition.Name, trial.Number));
        try
        {
            await RefuseWhatCannotRun(spec);
            // Subscribed first so no epoch is missed.
            await experiment.Subscribe(this.AsReference<IExperimentObserver>());
            Settle(trial, await experiment.Submit(spec));
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Invalid)
        {
            // A sampled value the trainer refuses (e.g. batch size 0) fails this trial only.
            trial.Status = TrialStatus.Failed;
            trial.Reason = e.Message;
        }
        await state.WriteStateAsync();
    }

    private void Settle(TrialState trial, ExperimentInfo info)
    {
        if (!trial.InFlight) return;
        switch (info.Phase)
        {
            case ExperimentStatus.Queued:
                // An experiment that never got its Submit (restart in between) shows as queued with no name: it will never run.
                // (Launch submits within one turn, so a live activation never sees this state midway.)
                if (info.Name.Length == 0)
                {
                    trial.Status = TrialStatus.Failed;
                    trial.Reason = "the trial's experiment was never submitted";
                }
                return;
            case ExperimentStatus.Running:
                trial.Status = TrialStatus.Running;
                trial.EpochsDone = Math.Max(trial.EpochsDone, info.EpochsDone);
                return;
            case ExperimentStatus.Completed:
                trial.Status = TrialStatus.Completed;
                // It finished before the stop landed; the stop decided nothing.
                if (trial.StopRequested) trial.Reason = null;
                break;
            case ExperimentStatus.Cancelled:
                trial.Status = trial.StopRequested ? TrialStatus.Stopped : TrialStatus.Cancelled;
                if (!trial.StopRequested) trial.Reason = info.FailureReason;
                break;
            default:
                trial.Status = TrialStatus.Failed;
                trial.Reason = info.FailureReason;
                break;
        }
        trial.EpochsDone = Math.Max(trial.EpochsDone, info.EpochsDone);
        trial.Metric = BestOf(trial) ?? (Definition.Metric.Name == "val_macro_f1" ? info.BestValMacroF1 : null);
    }

    /// <summary>The trial's best epoch by the sweep's goal: the checkpoint a trial would be deployed from.</summary>
    private double? BestOf(TrialState trial) =>
        trial.Steps.Count == 0 ? null : trial.Steps.Select(s => s.Value).Aggregate((a, b) => Definition.Metric.IsBetter(b, a) ? b : a);

    private static bool Counts(TrialState t) => t.Status is TrialStatus.Completed or TrialStatus.Stopped && t.Metric is not null;

    private List<TrialObservation> Observations() =>
        S.Trials.Where(Counts).Select(t => new TrialObservation(ParameterText.Restore(Definition.Parameters, t.Parameters), t.Metric!.Value)).ToList();

    private TrialState? BestTrial()
    {
        TrialState? best = null;
        foreach (var t in S.Trials.Where(Counts))
            if (best is null || Definition.Metric.IsBetter(t.Metric!.Value, best.Metric!.Value)) best = t;
        return best;
    }

    /// <summary>
    /// The sampler and early-termination scheduler live in memory: a new activation replays what the stored trials
    /// saw, so a grid does not repeat itself and a rung remembers the trials that reached it.
    /// </summary>
    private void Rebuild()
    {
        _definition = SweepDefinitionParser.Parse(S.Definition!);
        _sampler = SweepFactory.CreateSampler(_definition);
        _scheduler = SweepFactory.CreateScheduler(_definition);
        var seen = new List<TrialObservation>();
        foreach (var trial in S.Trials)
        {
            _exhausted |= _sampler.Next(seen) is null;
            foreach (var step in trial.Steps) _scheduler?.Report(TrialKey(trial), step.Epoch, step.Value);
            if (Counts(trial)) seen.Add(new TrialObservation(ParameterText.Restore(_definition.Parameters, trial.Parameters), trial.Metric!.Value));
        }
    }

    private void EnsureTimer() =>
        _timer ??= this.RegisterGrainTimer(Poll, new GrainTimerCreationOptions { DueTime = PollPeriod, Period = PollPeriod, KeepAlive = true });

    private void Forward(Func<ISweepRunGrain, Task> call) =>
        call(this.AsReference<ISweepRunGrain>()).ContinueWith(
            t => logger.LogWarning(t.Exception, "Sweep {SweepId} could not handle a trial notification", Id),
            TaskContinuationOptions.OnlyOnFaulted);

    private static string TrialKey(TrialState trial) => trial.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void RequireStarted()
    {
        if (S.Definition is null) throw DomainException.NotFound($"No sweep has id {Id}.");
    }

    private SweepInfo Info()
    {
        var best = _definition is null ? null : BestTrial();
        return new SweepInfo(
            Id, _definition?.Name ?? "", _definition?.Method.ToString().ToLowerInvariant() ?? "", _definition?.Metric.Name ?? "",
            _definition?.Metric.Goal.ToString().ToLowerInvariant() ?? "", S.Phase, _definition?.RunCap,
            S.Trials.Select(t => new TrialInfo(t.Number, t.ExperimentId, t.Parameters, t.Status, t.EpochsDone, t.Metric, t.Reason)).ToList(),
            best?.Number,
            S.Definition ?? "",
            S.BaseSpec?.Owner ?? RunSpec.DefaultOwner);
    }

    /// <summary>
    /// A trial's spec enters here, so it is checked here, once, with the rules every run spec follows (a sampled batch
    /// size of 0, or one too big for this node's memory, fails this trial only). The sweep's own request was checked as
    /// its caller; its trials are the server's, so their paths are not confined again.
    /// </summary>
    private async Task RefuseWhatCannotRun(RunSpec spec)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorContext>().Current = Actor.System;
        var result = await scope.ServiceProvider.GetRequiredService<IValidator<RunSpec>>().ValidateAsync(spec);
        if (!result.IsValid) throw DomainException.Invalid(new ValidationException(result.Errors).Message);
    }
}
