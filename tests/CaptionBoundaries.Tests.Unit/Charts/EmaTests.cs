using CaptionBoundaries.Application.Charts;

namespace CaptionBoundaries.Tests.Charts;

/// <summary>The smoothing TensorBoard and W&amp;B draw: a debiased exponential moving average.</summary>
public sealed class EmaTests
{
    [Fact]
    public void Follows_the_debiased_formula_point_by_point()
    {
        double[] x = [1, 3, 2, 6];
        const double w = 0.6;

        var s = Ema.Smooth(x, w);

        // s_t = w*s_{t-1} + (1-w)*x_t from 0, divided by 1 - w^t.
        double raw = 0;
        for (var t = 0; t < x.Length; t++)
        {
            raw = w * raw + (1 - w) * x[t];
            Assert.Equal(raw / (1 - Math.Pow(w, t + 1)), s[t], 12);
        }
        // By hand: 1; (0.24 + 1.2) / 0.64 = 2.25; (0.864 + 0.8) / 0.784 = 2.1224…
        Assert.Equal(1, s[0], 12);
        Assert.Equal(2.25, s[1], 12);
        Assert.Equal(1.664 / 0.784, s[2], 12);
    }

    [Fact]
    public void Weight_zero_leaves_the_series_as_it_is_and_a_constant_series_stays_constant()
    {
        Assert.Equal([0.5, 0.1, 0.9], Ema.Smooth([0.5, 0.1, 0.9], 0));
        Assert.All(Ema.Smooth([0.7, 0.7, 0.7, 0.7], 0.95), v => Assert.Equal(0.7, v, 12));
    }

    [Fact]
    public void The_first_smoothed_value_is_the_first_value_not_a_fraction_of_it()
    {
        Assert.Equal(42, Ema.Smooth([42, 0], 0.99)[0], 9);
    }

    [Fact]
    public void NaN_stays_a_gap_and_does_not_move_the_average()
    {
        var s = Ema.Smooth([1, double.NaN, 3], 0.5);

        Assert.True(double.IsNaN(s[1]));
        Assert.Equal(Ema.Smooth([1, 3], 0.5)[1], s[2], 12);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1)]
    [InlineData(double.NaN)]
    public void A_weight_outside_zero_to_below_one_is_refused(double weight) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Ema.Smooth([1, 2], weight));
}
