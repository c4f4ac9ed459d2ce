using CaptionBoundaries.Domain.Sweeps;

namespace CaptionBoundaries.Tests.Sweeps;

public class RandomSamplerTests
{
    private static readonly ParameterSpec[] Space =
    [
        ParameterSpec.LogUniform("lr", 1e-4, 1e-1),
        ParameterSpec.Uniform("dropout", 0, 0.5),
        ParameterSpec.IntUniform("width", 4, 32),
        ParameterSpec.Categorical("optimizer", "adamw", "sgd", "lion"),
        ParameterSpec.Fixed("epochs", 3L),
    ];

    [Fact]
    public void DrawsRespectEachDistribution()
    {
        var sampler = new RandomSampler(Space, seed: 3);
        var draws = Enumerable.Range(0, 3000).Select(_ => sampler.Next([])!).ToList();

        var lr = draws.Select(d => Assert.IsType<double>(d["lr"])).ToList();
        Assert.All(lr, v => Assert.InRange(v, 1e-4, 1e-1));
        // Log-uniform: each of the three decades gets about a third; a uniform draw would put 90% in the top one.
        foreach (var decade in new[] { -4, -3, -2 })
        {
            var share = lr.Count(v => Math.Floor(Math.Log10(v)) == decade) / 3000.0;
            Assert.InRange(share, 0.29, 0.38);
        }

        var dropout = draws.Select(d => Assert.IsType<double>(d["dropout"])).ToList();
        Assert.All(dropout, v => Assert.InRange(v, 0, 0.5));
        Assert.InRange(dropout.Average(), 0.23, 0.27);

        var width = draws.Select(d => Assert.IsType<long>(d["width"])).ToList();
        Assert.All(width, v => Assert.InRange(v, 4, 32));
        Assert.Equal(29, width.Distinct().Count());

        var optimizers = draws.Select(d => (string)d["optimizer"]).ToList();
        Assert.Equal(["adamw", "lion", "sgd"], optimizers.Distinct().Order());
        Assert.All(optimizers.GroupBy(o => o), g => Assert.InRange(g.Count(), 900, 1100));
        Assert.All(draws, d => Assert.Equal(3L, d["epochs"]));
    }

    [Fact]
    public void SameSeedSameSequenceOtherSeedOther()
    {
        static string Run(int seed)
        {
            var s = new RandomSampler(Space, seed);
            return string.Join(";", Enumerable.Range(0, 20).Select(_ => string.Join(",", s.Next([])!.Values)));
        }
        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
    }
}
