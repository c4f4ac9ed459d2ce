using CaptionBoundaries.Domain.Sweeps;

namespace CaptionBoundaries.Tests.Sweeps;

public class SchedulerTests
{
    private static readonly SweepMetric F1 = new("val_macro_f1", MetricGoal.Maximize);

    [Fact]
    public void AshaStopsExactlyTheTrialsBelowEachRungCutoff()
    {
        var asha = new AshaScheduler(F1, minIter: 1, maxIter: 9, eta: 3);
        Assert.Equal([1, 3], asha.Rungs);

        // Rung 1, in arrival order, keeping max(1, ⌊n/3⌋):
        //   A 0.50 (n=1, keep 1, cutoff .50) go;  B 0.30 (n=2, cutoff .50) stop;  C 0.60 (n=3, cutoff .60) go;
        //   D 0.20 (n=4, cutoff .60) stop;        E 0.55 (n=5, cutoff .60) stop;  F 0.58 (n=6, keep 2, cutoff .58) go (tie).
        // Rung 3: A 0.70 (n=1) go;  C 0.65 (n=2, cutoff .70) stop;  F 0.90 (n=3, cutoff .90) go.
        var curves = new Dictionary<string, double[]>
        {
            ["A"] = [0.50, 0.60, 0.70, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76],
            ["B"] = [0.30, 0.90, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95],
            ["C"] = [0.60, 0.62, 0.65, 0.66, 0.67, 0.68, 0.69, 0.70, 0.71],
            ["D"] = [0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60],
            ["E"] = [0.55, 0.56, 0.57, 0.58, 0.59, 0.60, 0.61, 0.62, 0.63],
            ["F"] = [0.58, 0.80, 0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96],
        };
        var stopped = RunInLockstep(asha, curves);

        Assert.Equal(new Dictionary<string, (int, string)>
        {
            ["B"] = (1, "ASHA rung 1: 0.3 not in top 1/3 of 2 (cutoff 0.5)"),
            ["D"] = (1, "ASHA rung 1: 0.2 not in top 1/3 of 4 (cutoff 0.6)"),
            ["E"] = (1, "ASHA rung 1: 0.55 not in top 1/3 of 5 (cutoff 0.6)"),
            ["C"] = (3, "ASHA rung 3: 0.65 not in top 1/3 of 2 (cutoff 0.7)"),
        }, stopped);
        // A stopped trial stays stopped, with the same reason, even with a better report.
        Assert.Equal(TrialDecision.Stop("ASHA rung 1: 0.3 not in top 1/3 of 2 (cutoff 0.5)"), asha.Report("B", 2, 0.99));
    }

    [Fact]
    public void AshaMinimisesWhenAskedAndJudgesASkippedRungOnce()
    {
        var asha = new AshaScheduler(new SweepMetric("val_loss", MetricGoal.Minimize), 1, 27, 3);
        Assert.Equal([1, 3, 9], asha.Rungs);
        Assert.False(asha.Report("a", 1, 0.5).ShouldStop);
        Assert.True(asha.Report("b", 1, 0.9).ShouldStop);
        Assert.False(asha.Report("c", 1, 0.1).ShouldStop);
        // c jumps from step 1 to step 10: judged at rung 9 only (alone there, so it goes on), not again at rung 3.
        Assert.False(asha.Report("c", 10, 0.3).ShouldStop);
        Assert.False(asha.Report("a", 3, 0.4).ShouldStop);
        Assert.True(asha.Report("a", 9, 0.35).ShouldStop);
    }

    [Fact]
    public void HyperbandDealsTrialsToBracketsWithLaterFirstRungs()
    {
        var hyperband = new HyperbandScheduler(F1, minIter: 1, maxIter: 9, eta: 3);
        Assert.Equal(2, hyperband.BracketCount);

        Assert.False(hyperband.Report("a", 1, 0.9).ShouldStop); // bracket 0, rungs 1 and 3
        Assert.False(hyperband.Report("b", 1, 0.1).ShouldStop); // bracket 1, first rung 3: not judged at step 1
        var c = hyperband.Report("c", 1, 0.2);                  // bracket 0 again: below a's 0.9
        Assert.True(c.ShouldStop);
        Assert.Equal("ASHA rung 1: 0.2 not in top 1/3 of 2 (cutoff 0.9)", c.Reason);
        Assert.Equal((0, 1, 0), (hyperband.BracketOf("a"), hyperband.BracketOf("b"), hyperband.BracketOf("c")));
        Assert.False(hyperband.Report("d", 3, 0.5).ShouldStop); // bracket 1, first at rung 3
        Assert.True(hyperband.Report("b", 3, 0.3).ShouldStop);  // bracket 1 rung 3: below d's 0.5
    }

    [Fact]
    public void MedianRuleStopsTrialsBelowTheOthersRunningAveragesAfterTheGracePeriod()
    {
        var rule = new MedianStoppingRule(F1, gracePeriod: 2);
        var curves = new Dictionary<string, double[]>
        {
            ["A"] = [0.5, 0.6, 0.7, 0.8],
            ["B"] = [0.4, 0.5, 0.6, 0.7],
            ["C"] = [0.1, 0.2, 0.3, 0.4],
            ["D"] = [0.3, 0.58, 0.62, 0.63],
        };
        // Step 1 is grace (C would already be below A and B).
        // Step 2: A alone at step 2 → go; B best .5 < median(A avg .55) → stop;
        //   C best .2 < median(A .55, B .45) = .5 → stop; D best .58 ≥ median(.55, .45, C .15) = .45 → go.
        // Step 3: A alone → go; D best .62 ≥ A avg .6 → go.
        // Step 4: A alone → go; D best .63 < A avg .65 → stop.
        var stopped = RunInLockstep(rule, curves);

        Assert.Equal(["B", "C", "D"], stopped.Keys.Order());
        Assert.Equal((2, 2, 4), (stopped["B"].Step, stopped["C"].Step, stopped["D"].Step));
        Assert.Equal("Median rule at step 4: best 0.63 worse than the median running average 0.65 of 1 other trials", stopped["D"].Reason);
    }

    [Fact]
    public void FactoryBuildsTheRequestedScheduler()
    {
        static SweepDefinition With(string type) => SweepDefinitionParser.Parse(
            $"name: s\nmethod: random\nrun_cap: 4\nmetric: {{ name: m }}\nparameters: {{ a: {{ value: 1 }} }}\nearly_terminate: {{ type: {type}, min_iter: 2 }}");
        Assert.IsType<AshaScheduler>(SweepFactory.CreateScheduler(With("asha")));
        Assert.IsType<HyperbandScheduler>(SweepFactory.CreateScheduler(With("hyperband")));
        Assert.IsType<MedianStoppingRule>(SweepFactory.CreateScheduler(With("median")));
        Assert.Null(SweepFactory.CreateScheduler(With("asha") with { EarlyTerminate = null }));
    }

    /// <summary>All trials report step 1, then step 2, …, in the dictionary's order; stopped trials stop reporting.</summary>
    private static Dictionary<string, (int Step, string Reason)> RunInLockstep(ITrialScheduler scheduler, Dictionary<string, double[]> curves)
    {
        var stopped = new Dictionary<string, (int, string)>();
        for (var step = 1; step <= curves.Values.Max(c => c.Length); step++)
        {
            foreach (var (id, curve) in curves)
            {
                if (stopped.ContainsKey(id) || step > curve.Length) continue;
                var decision = scheduler.Report(id, step, curve[step - 1]);
                if (decision.ShouldStop) stopped[id] = (step, decision.Reason!);
            }
        }
        return stopped;
    }
}
