using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Infrastructure.Monitoring;

namespace CaptionBoundaries.Tests.Monitoring;

/// <summary>Each statistic against values worked out by hand (the arithmetic is in the comments).</summary>
public sealed class DriftMathTests
{
    [Fact]
    public void PsiOfTwoBinsIsTheSumOfDifferenceTimesLogRatio()
    {
        // (0.25 - 0.5)·ln(0.25/0.5) + (0.75 - 0.5)·ln(0.75/0.5) = 0.25·0.693147 + 0.25·0.405465 = 0.274653
        Assert.Equal(0.2746531, DriftMath.Psi([0.5, 0.5], [0.25, 0.75]), 6);
        Assert.Equal(0, DriftMath.Psi([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]), 12);
    }

    [Fact]
    public void QuantileEdgesAndBinsFollowTheReference()
    {
        double[] reference = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        // Edge i is sorted[floor(i·10/4)]: sorted[2] = 3, sorted[5] = 6, sorted[7] = 8.
        var edges = DriftMath.QuantileEdges(reference, 4);
        Assert.Equal([3.0, 6, 8], edges);
        // [<3) = {1,2}, [3,6) = {3,4,5}, [6,8) = {6,7}, [8,∞) = {8,9,10}
        Assert.Equal([2, 3, 2, 3], DriftMath.BinCounts(reference, edges));
        Assert.Equal([3, 0, 0, 1], DriftMath.BinCounts([1, 1, 1, 9], edges));
        // Tied values merge edges instead of leaving empty reference bins.
        Assert.Equal([1.0], DriftMath.QuantileEdges([0.5, 0.5, 0.5, 1, 1, 1], 3));
    }

    [Fact]
    public void PsiOverQuantileBinsFloorsEmptyBins()
    {
        // Reference proportions .2 .3 .2 .3, window .75 0 0 .25 (empty bins raised to 1e-4):
        //   (.75-.2)·ln(.75/.2)       = 0.55·1.321756    = 0.726966
        //   (1e-4-.3)·ln(1e-4/.3)     = -0.2999·-8.006368 = 2.401110
        //   (1e-4-.2)·ln(1e-4/.2)     = -0.1999·-7.600902 = 1.519420
        //   (.25-.3)·ln(.25/.3)       = -0.05·-0.182322   = 0.009116   → 4.656612
        Assert.Equal(4.656612, DriftMath.Psi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 1, 1, 9], 4), 5);
    }

    [Fact]
    public void PsiBinsShrinkWithASmallReference()
    {
        Assert.Equal(10, DriftMath.PsiBinsFor(5000, 10));
        Assert.Equal(5, DriftMath.PsiBinsFor(100, 10));
        Assert.Equal(2, DriftMath.PsiBinsFor(30, 10));
        Assert.Equal(4, DriftMath.PsiBinsFor(5000, 4));
    }

    [Fact]
    public void JensenShannonIsInBits()
    {
        Assert.Equal(1, DriftMath.JensenShannon([1, 0], [0, 1]), 12);
        Assert.Equal(0, DriftMath.JensenShannon([3, 1], [6, 2]), 12);
        // p = (.5, .5), q = (1, 0), m = (.75, .25):
        // KL(p‖m) = .5·log2(.5/.75) + .5·log2(.5/.25) = -0.292481 + 0.5 = 0.207519; KL(q‖m) = log2(1/.75) = 0.415037
        // JS = (0.207519 + 0.415037) / 2 = 0.311278
        Assert.Equal(0.311278, DriftMath.JensenShannon([5, 5], [10, 0]), 6);
    }

    [Fact]
    public void ChiSquareHomogeneityOfATwoByTwoTable()
    {
        // Rows 30/30, columns 30/30, every expected count 15: 4·(5²/15) = 6.6667 with df 1;
        // p = Q(1/2, 3.3333) = erfc(√3.3333) = 0.0098233.
        var (statistic, df, p) = DriftMath.ChiSquareHomogeneity([10, 20], [20, 10]);
        Assert.Equal(6.666667, statistic, 5);
        Assert.Equal(1, df);
        Assert.Equal(0.0098233, p, 6);
        // A category empty in both samples is left out (df stays 1).
        Assert.Equal(1, DriftMath.ChiSquareHomogeneity([10, 0, 20], [20, 0, 10]).DegreesOfFreedom);
        Assert.Equal(1, DriftMath.ChiSquareHomogeneity([10, 20], [20, 40]).PValue, 9);
    }

    [Fact]
    public void ChiSquareSurvivalMatchesClosedForms()
    {
        // df 4: Q(2, x/2) = e^{-x/2}(1 + x/2); at the 5% critical value 9.4877 that is 0.05.
        Assert.Equal(0.05, DriftMath.ChiSquareSurvival(9.487729, 4), 7);
        // df 2: e^{-x/2}.
        Assert.Equal(Math.Exp(-3), DriftMath.ChiSquareSurvival(6, 2), 10);
        // Large x goes through the continued fraction: df 4 at 40 is e^{-20}·21.
        Assert.Equal(Math.Exp(-20) * 21, DriftMath.ChiSquareSurvival(40, 4), 15);
    }

    [Fact]
    public void KolmogorovSmirnovTwoSample()
    {
        // F_a and F_b after 1, 2, 3, 4, 5…: (.25, 0) (.5, 0) (.75, 1/6) (1, 2/6) (1, 3/6): D = 2/3 at 4.
        // nₑ = 4·6/10 = 2.4; λ = (√2.4 + 0.12 + 0.11/√2.4)·2/3 = 1.160132;
        // Q = 2(e^{-2λ²} - e^{-8λ²} + …) = 2(0.0677690 - 0.0000211) = 0.135474
        var (d, p) = DriftMath.KolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6, 7, 8]);
        Assert.Equal(2.0 / 3, d, 12);
        Assert.Equal(0.135474, p, 5);
        Assert.Equal((0.0, 1.0), DriftMath.KolmogorovSmirnov([1, 2, 3], [1, 2, 3]));
        // Ties across samples step together: identical tied samples have D = 0.
        Assert.Equal(0, DriftMath.KolmogorovSmirnov([1, 1, 2, 2], [1, 2]).D, 12);
        // The 5% critical λ of the Kolmogorov distribution is 1.358.
        Assert.Equal(0.049486, DriftMath.KolmogorovQ(1.36), 5);
    }

    [Fact]
    public void LogGammaOfKnownValues()
    {
        Assert.Equal(0, DriftMath.LogGamma(1), 12);
        Assert.Equal(Math.Log(24), DriftMath.LogGamma(5), 10);
        Assert.Equal(Math.Log(Math.Sqrt(Math.PI)), DriftMath.LogGamma(0.5), 10);
    }

    [Fact]
    public void ConfidenceHistogramHasTenBinsAndOneIsInTheLast()
    {
        Assert.Equal([0, 0, 1, 0, 0, 0, 0, 0, 1, 2], ConfidenceHistogram.Counts([0.2, 0.85, 0.95, 1.0]));
        Assert.Equal("0.2-0.3", ConfidenceHistogram.Label(2));
    }
}
