using CaptionBoundaries.Application.Charts;

namespace CaptionBoundaries.Tests.Charts;

public sealed class LineChartLayoutTests
{
    private static readonly ChartSeries Loss = new("loss", [new(1, 0.9), new(2, 0.6000000000000001), new(3, 0.45), new(4, 0.5), new(5, 0.3)]);

    [Fact]
    public void Epoch_ticks_are_whole_epochs_and_value_ticks_are_formatted()
    {
        var layout = LineChartLayout.Compute([Loss]);

        Assert.Equal(["1", "2", "3", "4", "5"], layout.XTicks.Select(t => t.Label));
        Assert.Equal(["0.2", "0.4", "0.6", "0.8", "1.0"], layout.YTicks.Select(t => t.Label));
        Assert.True(layout.YMin <= 0.3 && layout.YMax >= 0.9);
    }

    [Fact]
    public void Ticks_sit_inside_the_plot_and_the_left_margin_holds_the_longest_label()
    {
        var layout = LineChartLayout.Compute([new ChartSeries("lr", [new(0, 0.00012), new(100, 0.00049)])]);
        var box = layout.Box;

        Assert.All(layout.YTicks, t => Assert.InRange(t.At, box.PlotTop - 0.01, box.PlotBottom + 0.01));
        Assert.All(layout.XTicks, t => Assert.InRange(t.At, box.PlotLeft - 0.01, box.PlotRight + 0.01));
        // At 11px a label's characters are at most ~7px wide; the margin leaves 6px between label and plot.
        Assert.All(layout.YTicks, t => Assert.True(t.Label.Length * 7 + 6 <= box.Left, $"'{t.Label}' does not fit in {box.Left}px"));
    }

    [Fact]
    public void Zooming_shows_only_the_chosen_range_and_fits_the_value_axis_to_it()
    {
        var layout = LineChartLayout.Compute([Loss], new LineChartOptions { XFrom = 3, XTo = 5 });

        Assert.Equal(3, layout.XMin);
        Assert.Equal(5, layout.XMax);
        Assert.Equal(3, layout.Lines[0].PointsShown);
        Assert.Equal(["3", "4", "5"], layout.XTicks.Select(t => t.Label));
        Assert.True(layout.YMax < 0.9, "the first epochs' higher loss is out of view");
        Assert.Equal((1, 5), layout.DataX);
    }

    [Fact]
    public void A_reversed_or_empty_zoom_shows_everything()
    {
        Assert.Equal(5, LineChartLayout.Compute([Loss], new LineChartOptions { XFrom = 5, XTo = 2 }).Lines[0].PointsShown);
        Assert.Equal(5, LineChartLayout.Compute([Loss], new LineChartOptions { XFrom = 10 }).Lines[0].PointsShown);
    }

    [Fact]
    public void Smoothing_keeps_the_raw_line_and_adds_the_smoothed_one_computed_before_the_zoom()
    {
        var plain = LineChartLayout.Compute([Loss]);
        var smoothed = LineChartLayout.Compute([Loss], new LineChartOptions { Smoothing = 0.6 });
        var zoomed = LineChartLayout.Compute([Loss], new LineChartOptions { Smoothing = 0.6, XFrom = 4 });

        Assert.Null(plain.Lines[0].SmoothedPath);
        Assert.Equal(plain.Lines[0].Path, smoothed.Lines[0].Path);
        Assert.NotNull(smoothed.Lines[0].SmoothedPath);
        Assert.NotEqual(smoothed.Lines[0].Path, smoothed.Lines[0].SmoothedPath);
        // The smoothed value at epoch 4 is the same whether or not epochs 1-3 are in view.
        var expected = Ema.Smooth(Loss.Points.Select(p => p.Y).ToList(), 0.6)[3];
        var y = zoomed.Box.PlotBottom - (expected - zoomed.YMin) / (zoomed.YMax - zoomed.YMin) * zoomed.Box.PlotHeight;
        Assert.StartsWith($"M{ChartBox.Svg(zoomed.Box.PlotLeft)} {ChartBox.Svg(y)}", zoomed.Lines[0].SmoothedPath);
    }

    [Fact]
    public void A_missing_value_breaks_the_line_instead_of_joining_across_it()
    {
        var layout = LineChartLayout.Compute([new ChartSeries("f1", [new(1, 0.5), new(2, double.NaN), new(3, 0.7), new(4, 0.8)])]);

        Assert.Equal(2, layout.Lines[0].Path.Count(c => c == 'M'));
        Assert.Equal(3, layout.Lines[0].Markers.Count);
    }

    [Fact]
    public void One_epoch_or_one_flat_value_still_gets_an_axis_around_it()
    {
        var layout = LineChartLayout.Compute([new ChartSeries("x", [new(1, 0.8)])]);

        Assert.Equal(["0", "1", "2"], layout.XTicks.Select(t => t.Label));
        Assert.True(layout.YMin < 0.8 && layout.YMax > 0.8);
        Assert.Single(layout.Lines[0].Markers);
    }
}
