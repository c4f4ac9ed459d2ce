using System.Diagnostics;
using System.Globalization;
using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Bench.Asha;

/// <summary>Trains one trial for the benchmark. Implemented by <see cref="TrainerTrialRunner"/>; tests script learning curves.</summary>
public interface IBenchmarkTrialRunner
{
    /// <summary>
    /// Trains <paramref name="spec"/> for up to <see cref="RunSpec.Epochs"/> epochs, calling
    /// <paramref name="onEpoch"/> after each; when it returns false the trial ends there, as a cancelled experiment does.
    /// </summary>
    void Run(RunSpec spec, Func<EpochMetrics, bool> onEpoch, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>What the benchmark compares: how many random trials, epochs each, the seed of the draws, ASHA's settings.</summary>
public sealed record AshaBenchmarkSettings
{
    /// <summary>The search space of both methods, a sweep definition's <c>parameters</c> block.</summary>
    public const string DefaultParameters = """
        lr: { distribution: log_uniform, min: 0.00001, max: 0.1 }
        weight_decay: { distribution: log_uniform, min: 0.00001, max: 0.1 }
        """;

    public int Trials { get; init; } = 8;
    public int Epochs { get; init; } = 6;

    /// <summary>Seeds the parameter draws (and, through the base spec, the training).</summary>
    public int Seed { get; init; } = 1;

    public int MinIter { get; init; } = 1;
    public int Eta { get; init; } = 3;
    public string Parameters { get; init; } = DefaultParameters;

    /// <summary>
    /// The sweep both methods draw from: random, maximising val_macro_f1, with ASHA as its early termination
    /// (max_iter = the trials' epochs, so every rung lies below the end of a trial). The random search ignores the
    /// early_terminate part; the ASHA run gets its scheduler from it through <see cref="SweepFactory"/>, as a sweep grain does.
    /// </summary>
    public SweepDefinition Definition()
    {
        var parameters = string.Join("\n", Parameters.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l.TrimEnd('\r')));
        return SweepDefinitionParser.Parse(string.Create(CultureInfo.InvariantCulture, $$"""
            name: bench-sweep-asha
            method: random
            metric: { name: val_macro_f1, goal: maximize }
            run_cap: {{Trials}}
            seed: {{Seed}}
            early_terminate: { type: asha, min_iter: {{MinIter}}, max_iter: {{Epochs}}, eta: {{Eta}} }
            parameters:
            {{parameters}}
            """));
    }
}

/// <summary>A trial as one method ran it: its parameters, the metric after each epoch it trained, and why it stopped early.</summary>
public sealed record BenchmarkTrial(int Number, IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<double> Curve, string? StopReason);

public sealed record BenchmarkMethodRun(string Method, IReadOnlyList<BenchmarkTrial> Trials, TrialEpochLedger Ledger, TimeSpan Elapsed);

/// <summary>
/// One run of the benchmark. <see cref="CurveMismatches"/> counts ASHA trial-epochs whose metric differs from the same
/// epoch of the same random-search trial: the runs are seeded, so it is 0 unless training is not repeatable on this device.
/// </summary>
public sealed record AshaBenchmarkResult(
    AshaBenchmarkSettings Settings, BenchmarkMethodRun Random, BenchmarkMethodRun Asha, AshaComparison Comparison, int CurveMismatches);

/// <summary>What the benchmark is doing: a finished trial-epoch (with ASHA's decision), or a training step inside one.</summary>
public sealed record AshaBenchmarkProgress(
    string Method, int Trial, int Trials, int Epoch, int Epochs, int EpochsSpent, double? Metric = null, string? StopReason = null,
    TrainingProgress? Step = null, bool TrialEnded = false)
{
    /// <summary>Which repeat of the benchmark (from 0), when it runs several.</summary>
    public int Repeat { get; init; }
}

/// <summary>
/// Random search against ASHA on the same trials. Both methods draw their N trials from the same random sampler seed
/// (so the same parameters, in the same order) and run them one after another. Random search trains every trial for
/// all E epochs. ASHA trains them in the same order and, after every epoch, reports the trial's metric to the project's
/// <see cref="AshaScheduler"/> exactly as <c>SweepGrain</c> does (key = the trial's number, step = the epoch, value read
/// by <see cref="SweepMetricReader"/>); a Stop ends that trial. Each method's trial-epochs go into a
/// <see cref="TrialEpochLedger"/> in the order trained, and <see cref="AshaComparison"/> charges each the trial-epochs it
/// spent until it first reached the best value random search found.
/// </summary>
public static class AshaBenchmark
{
    public const string RandomMethod = "random";
    public const string AshaMethod = "asha";

    public static AshaBenchmarkResult Run(
        AshaBenchmarkSettings settings, RunSpec baseSpec, IBenchmarkTrialRunner runner,
        IProgress<AshaBenchmarkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(baseSpec);
        ArgumentNullException.ThrowIfNull(runner);
        var definition = settings.Definition();
        baseSpec = baseSpec with { Epochs = settings.Epochs };

        var draws = Draw(definition, settings.Trials);
        var again = Draw(definition, settings.Trials);
        if (!draws.Select(ParameterText.Format).SelectMany(d => d).SequenceEqual(again.Select(ParameterText.Format).SelectMany(d => d)))
            throw new InvalidOperationException("The random sampler gave different parameters for the same seed; the two methods would not run the same trials.");

        var random = RunMethod(RandomMethod, definition, null, draws, baseSpec, runner, progress, cancellationToken);
        var scheduler = SweepFactory.CreateScheduler(definition) as AshaScheduler
                        ?? throw new InvalidOperationException("The benchmark definition must make an ASHA scheduler.");
        var asha = RunMethod(AshaMethod, definition, scheduler, again, baseSpec, runner, progress, cancellationToken);

        var comparison = AshaComparison.Of(random.Ledger, asha.Ledger)
                         ?? throw new InvalidOperationException("Random search recorded no metric: every trial failed before its first epoch.");
        return new AshaBenchmarkResult(settings, random, asha, comparison, CurveMismatches(random, asha));
    }

    private static List<IReadOnlyDictionary<string, object>> Draw(SweepDefinition definition, int trials)
    {
        var sampler = SweepFactory.CreateSampler(definition);
        var draws = new List<IReadOnlyDictionary<string, object>>(trials);
        for (var i = 0; i < trials; i++)
            draws.Add(sampler.Next([]) ?? throw new InvalidOperationException("The random sampler ran out of draws."));
        return draws;
    }

    private static BenchmarkMethodRun RunMethod(
        string method, SweepDefinition definition, ITrialScheduler? scheduler, List<IReadOnlyDictionary<string, object>> draws,
        RunSpec baseSpec, IBenchmarkTrialRunner runner, IProgress<AshaBenchmarkProgress>? progress, CancellationToken cancellationToken)
    {
        var ledger = new TrialEpochLedger(definition.Metric);
        var trials = new List<BenchmarkTrial>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < draws.Count; i++)
        {
            var number = i + 1;
            var key = number.ToString(CultureInfo.InvariantCulture);
            var spec = TrialSpecMapping.Apply(baseSpec, draws[i], $"{definition.Name}-{method}-trial-{number}");
            var curve = new List<double>();
            string? reason = null;
            var stepProgress = progress is null ? null : new StepProgress(s =>
                progress.Report(new AshaBenchmarkProgress(method, number, draws.Count, s.Epoch, s.Epochs, ledger.TotalEpochs, Step: s)));
            runner.Run(spec, metrics =>
            {
                var value = SweepMetricReader.Read(definition.Metric.Name, metrics);
                ledger.Record(number, metrics.Epoch, value);
                curve.Add(value);
                var decision = scheduler?.Report(key, metrics.Epoch, value);
                if (decision is { ShouldStop: true }) reason = decision.Reason;
                var goOn = reason is null;
                progress?.Report(new AshaBenchmarkProgress(method, number, draws.Count, metrics.Epoch, spec.Epochs, ledger.TotalEpochs,
                    value, reason, TrialEnded: !goOn || metrics.Epoch >= spec.Epochs));
                return goOn;
            }, stepProgress, cancellationToken);
            trials.Add(new BenchmarkTrial(number, ParameterText.Format(draws[i]), curve, reason));
        }
        return new BenchmarkMethodRun(method, trials, ledger, clock.Elapsed);
    }

    private static int CurveMismatches(BenchmarkMethodRun random, BenchmarkMethodRun asha) =>
        asha.Trials.Sum(a =>
        {
            var full = random.Trials[a.Number - 1].Curve;
            return a.Curve.Where((value, i) => i >= full.Count || value != full[i]).Count();
        });

    /// <summary>IProgress on the caller's thread (the trainer's), so steps arrive in order.</summary>
    private sealed class StepProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
