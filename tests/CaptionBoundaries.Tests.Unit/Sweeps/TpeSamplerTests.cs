using CaptionBoundaries.Domain.Sweeps;
using Xunit.Abstractions;

namespace CaptionBoundaries.Tests.Sweeps;

public class TpeSamplerTests(ITestOutputHelper output)
{
    private static readonly ParameterSpec[] Space =
    [
        ParameterSpec.LogUniform("lr", 1e-4, 1e-1),
        ParameterSpec.Uniform("dropout", 0, 0.5),
    ];

    private static readonly SweepMetric Loss = new("val_loss", MetricGoal.Minimize);

    // A bowl with its minimum (0) at lr = 10^-2.2 ≈ 6.3e-3, dropout = 0.35: smooth, so a model of good regions pays off.
    private static double Objective(IReadOnlyDictionary<string, object> p) =>
        Math.Pow(Math.Log10((double)p["lr"]) + 2.2, 2) + 8 * Math.Pow((double)p["dropout"] - 0.35, 2);

    private static double BestOf(ISweepSampler sampler, int budget)
    {
        var observations = new List<TrialObservation>();
        for (var i = 0; i < budget; i++)
        {
            var p = sampler.Next(observations)!;
            observations.Add(new TrialObservation(p, Objective(p)));
        }
        return observations.Min(o => o.Metric);
    }

    [Fact]
    public void BeatsRandomSearchOnTheSameBudget()
    {
        int[] seeds = [1, 2, 3, 4, 5, 6, 7];
        var tpe = seeds.Select(s => BestOf(new TpeSampler(Space, Loss, s), 40)).ToArray();
        var random = seeds.Select(s => BestOf(new RandomSampler(Space, s), 40)).ToArray();

        var wins = tpe.Zip(random).Count(x => x.First < x.Second);
        var detail = $"tpe [{string.Join(", ", tpe.Select(v => v.ToString("0.0000")))}] random [{string.Join(", ", random.Select(v => v.ToString("0.0000")))}]";
        output.WriteLine($"best of 40, median tpe {Median(tpe):0.0000} vs random {Median(random):0.0000}, tpe won {wins} of {seeds.Length}: {detail}");
        Assert.True(Median(tpe) < Median(random), detail);
        Assert.True(wins > seeds.Length / 2, $"TPE won {wins} of {seeds.Length}: {detail}");
    }

    [Fact]
    public void FollowsTheMetricGoal()
    {
        // Maximising the negated objective must find the same region as minimising it.
        var maximise = new TpeSampler(Space, new SweepMetric("score", MetricGoal.Maximize), 3);
        var observations = new List<TrialObservation>();
        for (var i = 0; i < 40; i++)
        {
            var p = maximise.Next(observations)!;
            observations.Add(new TrialObservation(p, -Objective(p)));
        }
        var lastTen = observations.Skip(30).Average(o => -o.Metric);
        var firstTen = observations.Take(10).Average(o => -o.Metric);
        Assert.True(lastTen < firstTen / 2, $"proposals after start-up average {lastTen:0.000}, start-up {firstTen:0.000}");
    }

    [Fact]
    public void IsReproducibleAndHandlesIntegersAndCategories()
    {
        ParameterSpec[] space = [ParameterSpec.IntUniform("width", 4, 32), ParameterSpec.Categorical("opt", "adamw", "sgd", "lion"), ParameterSpec.Fixed("epochs", 3L)];
        static double Score(IReadOnlyDictionary<string, object> p) => Math.Abs((long)p["width"] - 20) + ((string)p["opt"] == "sgd" ? 0 : 5);

        string Run(int seed, out List<TrialObservation> history)
        {
            var sampler = new TpeSampler(space, Loss, seed);
            history = [];
            for (var i = 0; i < 30; i++)
            {
                var p = sampler.Next(history)!;
                history.Add(new TrialObservation(p, Score(p)));
            }
            return string.Join(";", history.Select(o => string.Join(",", o.Parameters.Values)));
        }

        Assert.Equal(Run(5, out var history), Run(5, out _));
        Assert.NotEqual(Run(5, out _), Run(6, out _));
        Assert.All(history, o =>
        {
            Assert.InRange(Assert.IsType<long>(o.Parameters["width"]), 4, 32);
            Assert.Contains(o.Parameters["opt"], space[1].Values);
            Assert.Equal(3L, o.Parameters["epochs"]);
        });
        // After start-up the good category dominates the proposals.
        Assert.True(history.Skip(10).Count(o => (string)o.Parameters["opt"] == "sgd") >= 12);
    }

    private static double Median(double[] values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
