using CaptionBoundaries.Application.Charts;

namespace CaptionBoundaries.Tests.Charts;

public sealed class NiceTicksTests
{
    [Theory]
    [InlineData(1, 3, "1,2,3")]
    [InlineData(1, 5, "1,2,3,4,5")]
    [InlineData(1, 12, "2,4,6,8,10,12")]
    [InlineData(1, 2, "1,2")]
    [InlineData(0, 1000, "0,200,400,600,800,1000")]
    [InlineData(0, 50_000, "0k,10k,20k,30k,40k,50k")]
    public void Integer_axes_tick_on_whole_numbers_only(double min, double max, string expected)
    {
        var step = NiceTicks.Step(min, max, count: 6, integer: true);
        var ticks = NiceTicks.Within(min, max, step);

        Assert.All(ticks, t => Assert.Equal(Math.Round(t), t));
        Assert.Equal(expected, string.Join(",", ticks.Select(t => NiceTicks.Label(t, step))));
    }

    [Fact]
    public void An_integer_axis_never_gets_a_fractional_step_even_over_a_short_range()
    {
        Assert.Equal(1, NiceTicks.Step(1, 1.5, 10, integer: true));
        Assert.Equal(2, NiceTicks.Step(0, 10, 5, integer: true));
        Assert.Equal(["1", "2"], NiceTicks.Within(0.5, 2.2, 1).Select(t => NiceTicks.Label(t, 1)));
    }

    [Theory]
    [InlineData(0, 1, 5, "0.00,0.25,0.50,0.75,1.00")]
    [InlineData(0.2, 0.8, 4, "0.2,0.4,0.6,0.8")]
    [InlineData(0.41, 0.47, 4, "0.42,0.44,0.46")]
    [InlineData(-0.3, 0.3, 4, "-0.2,0.0,0.2")]
    [InlineData(0.00011, 0.00049, 5, "0.0002,0.0003,0.0004")]
    [InlineData(0, 25000, 6, "0k,5k,10k,15k,20k,25k")]
    [InlineData(0, 3_000_000, 4, "0M,1M,2M,3M")]
    public void Labels_show_as_many_decimals_as_the_step_needs_and_no_float_noise(double min, double max, int count, string expected)
    {
        var step = NiceTicks.Step(min, max, count);
        var labels = NiceTicks.Within(min, max, step).Select(t => NiceTicks.Label(t, step)).ToList();

        Assert.Equal(expected, string.Join(",", labels));
        Assert.DoesNotContain(labels, l => l.Contains("000000") || l.StartsWith("-0", StringComparison.Ordinal) && l.Trim('-', '0', '.', 'k', 'M').Length == 0);
    }

    [Fact]
    public void A_float_sum_like_three_times_a_fifth_is_labelled_plainly()
    {
        // 0.2 * 3 is 0.6000000000000001 in floating point.
        Assert.Equal("0.6", NiceTicks.Label(0.2 * 3, 0.2));
        Assert.Equal("0.3", NiceTicks.Label(0.1 + 0.2, 0.1));
        Assert.Equal("0.0", NiceTicks.Label(-1e-17, 0.1));
    }

    [Fact]
    public void Widening_puts_both_ends_of_the_axis_on_ticks()
    {
        var step = NiceTicks.Step(0.437, 0.912, 5);
        var (min, max) = NiceTicks.Widen(0.437, 0.912, step);

        Assert.Equal(0.2, step, 12);
        Assert.Equal(0.4, min, 12);
        Assert.Equal(1.0, max, 12);
        Assert.Equal(["0.4", "0.6", "0.8", "1.0"], NiceTicks.Within(min, max, step).Select(t => NiceTicks.Label(t, step)));
    }
}
