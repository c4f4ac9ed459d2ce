using System.Globalization;
using CaptionBoundaries.Bench.Asha;
using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Tests.Bench;

/// <summary>The benchmark's trial-epoch accounting on scripted learning curves: no training, every number worked out by hand.</summary>
public sealed class AshaBenchmarkTests
{
    private static readonly SweepMetric F1 = new("val_macro_f1", MetricGoal.Maximize);

    private static readonly RunSpec BaseSpec = new() { Name = "scripted", DatasetFolder = "unused", Architecture = "unused" };

    // Five trials of four epochs; ASHA with min_iter 1, eta 2 and max_iter 4 has rungs at epochs 1 and 2.
    private static readonly AshaBenchmarkSettings Settings = new() { Trials = 5, Epochs = 4, MinIter = 1, Eta = 2, Seed = 7 };

    [Fact]
    public void AshaIsChargedTheEpochsOfTheTrialsItStoppedOnTheWayToRandomSearchsBest()
    {
        var runner = new ScriptedRunner(new()
        {
            [1] = [0.30, 0.40, 0.50, 0.55],
            [2] = [0.20, 0.25, 0.30, 0.35],
            [3] = [0.50, 0.60, 0.70, 0.80],
            [4] = [0.10, 0.15, 0.20, 0.50],
            [5] = [0.45, 0.65, 0.75, 0.85],
        });
        var result = AshaBenchmark.Run(Settings, BaseSpec, runner);

        // Random search trains all 20 epochs; its best, 0.85, is the last one (trial 5, epoch 4).
        Assert.Equal(Enumerable.Repeat(4, 5), result.Random.Trials.Select(t => t.Curve.Count));
        var c = result.Comparison;
        Assert.Equal(0.85, c.Target);
        Assert.Equal(new TargetReached(20, 5, 4, 0.85), c.RandomReached);
        Assert.Equal(20, c.RandomTotalEpochs);

        // ASHA, in launch order (rung 1 keeps max(1, ⌊n/2⌋), rung 2 likewise):
        //   1: 0.30 alone at rung 1, 0.40 alone at rung 2: all 4 epochs            → 4
        //   2: 0.20 vs {0.30}: keep 1, cutoff 0.30, stopped after epoch 1           → 5
        //   3: 0.50 vs {0.30, 0.20}: cutoff 0.50 (itself), 0.60 vs {0.40}: goes on  → 9
        //   4: 0.10, n=4 keep 2, cutoff 0.30: stopped after epoch 1                 → 10
        //   5: 0.45, n=5 keep 2, cutoff 0.45 (tie goes on); 0.65 vs {0.40, 0.60}: n=3 keep 1, cutoff 0.65: goes on,
        //      reaching 0.85 at its 4th epoch                                       → 14
        Assert.Equal([4, 1, 4, 1, 4], result.Asha.Trials.Select(t => t.Curve.Count));
        Assert.Equal([null, "ASHA rung 1: 0.2 not in top 1/2 of 2 (cutoff 0.3)", null, "ASHA rung 1: 0.1 not in top 1/2 of 4 (cutoff 0.3)", null],
            result.Asha.Trials.Select(t => t.StopReason));
        Assert.True(c.AshaReachedTarget);
        Assert.Equal(new TargetReached(14, 5, 4, 0.85), c.AshaReached);
        Assert.Equal(14, c.AshaEpochs);
        Assert.Equal(14, c.AshaTotalEpochs);
        Assert.Equal(0.7, c.Ratio, 10);
        Assert.Equal(0, result.CurveMismatches);

        // The runner was stopped exactly where ASHA said, and nothing more was trained.
        Assert.Equal([4, 4, 4, 4, 4, 4, 1, 4, 1, 4], runner.EpochsRun);
    }

    [Fact]
    public void WhenAshaStopsTheTrialThatHadTheBestValueItIsChargedItsWholeBudgetAndSaysItNeverGotThere()
    {
        // Trial 4 is a late bloomer: last at rung 1, best of all at epoch 4. Random search finds 0.90 after 16 epochs.
        var result = AshaBenchmark.Run(Settings, BaseSpec, new ScriptedRunner(new()
        {
            [1] = [0.30, 0.40, 0.50, 0.55],
            [2] = [0.20, 0.25, 0.30, 0.35],
            [3] = [0.50, 0.60, 0.70, 0.80],
            [4] = [0.10, 0.15, 0.20, 0.90],
            [5] = [0.45, 0.65, 0.75, 0.85],
        }));

        var c = result.Comparison;
        Assert.Equal(0.90, c.Target);
        Assert.Equal(new TargetReached(16, 4, 4, 0.90), c.RandomReached);
        Assert.False(c.AshaReachedTarget);
        Assert.Null(c.AshaReached);
        Assert.Equal(new TargetReached(14, 5, 4, 0.85), c.AshaBest);
        Assert.Equal(14, c.AshaEpochs);
        Assert.Equal(14.0 / 16, c.Ratio, 10);
    }

    [Fact]
    public void BothMethodsRunTheSameSeededDrawsInTheSameOrder()
    {
        var runner = new ScriptedRunner(Enumerable.Range(1, 5).ToDictionary(i => i, _ => new[] { 0.5, 0.5, 0.5, 0.5 }));
        var result = AshaBenchmark.Run(Settings, BaseSpec, runner);
        Assert.Equal(1.0, result.Comparison.Ratio);

        var sampler = SweepFactory.CreateSampler(Settings.Definition());
        var expected = Enumerable.Range(0, 5).Select(_ => (double)sampler.Next([])!["lr"]).ToList();
        Assert.Equal(expected.Concat(expected), runner.LearningRates);
        Assert.Equal(5, expected.Distinct().Count());
        // Everything at the same value ties every cutoff: ASHA stops nothing.
        Assert.All(runner.EpochsRun, e => Assert.Equal(4, e));
    }

    [Fact]
    public void TheLedgerCountsInTheOrderTrainedTiesReachTheTargetAndNaNNever()
    {
        var ledger = new TrialEpochLedger(F1);
        ledger.Record(1, 1, 0.2);
        ledger.Record(1, 2, double.NaN);
        ledger.Record(2, 1, 0.6);
        ledger.Record(1, 3, 0.6);
        ledger.Record(2, 2, 0.4);

        Assert.Equal(5, ledger.TotalEpochs);
        Assert.Equal(new TargetReached(3, 2, 1, 0.6), ledger.Best());          // the first of two equal bests
        Assert.Equal(new TargetReached(3, 2, 1, 0.6), ledger.FirstReaching(0.6)); // ≥, not >
        Assert.Equal(new TargetReached(1, 1, 1, 0.2), ledger.FirstReaching(0.1));
        Assert.Null(ledger.FirstReaching(0.61));
        Assert.Equal([0.2, double.NaN, 0.6], ledger.Curve(1));

        var loss = new TrialEpochLedger(new SweepMetric("val_loss", MetricGoal.Minimize));
        loss.Record(1, 1, 0.9);
        loss.Record(1, 2, 0.5);
        loss.Record(2, 1, 0.7);
        Assert.Equal(new TargetReached(2, 1, 2, 0.5), loss.Best());
        Assert.Equal(new TargetReached(2, 1, 2, 0.5), loss.FirstReaching(0.7)); // ≤ when minimising
        Assert.Null(loss.FirstReaching(0.4));
    }

    /// <summary>Reports each trial's scripted curve, epoch by epoch, until told to stop; remembers what it trained.</summary>
    private sealed class ScriptedRunner(Dictionary<int, double[]> curves) : IBenchmarkTrialRunner
    {
        public List<int> EpochsRun { get; } = [];
        public List<double> LearningRates { get; } = [];

        public void Run(RunSpec spec, Func<EpochMetrics, bool> onEpoch, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
        {
            var trial = int.Parse(spec.Name[(spec.Name.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
            LearningRates.Add(spec.LearningRate);
            var ran = 0;
            for (var epoch = 1; epoch <= spec.Epochs; epoch++)
            {
                ran++;
                if (!onEpoch(new EpochMetrics(Guid.Empty, epoch, 1, 1, 0, curves[trial][epoch - 1], []))) break;
            }
            EpochsRun.Add(ran);
        }
    }
}
