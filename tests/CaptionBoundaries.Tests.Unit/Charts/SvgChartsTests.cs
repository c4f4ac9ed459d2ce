using CaptionBoundaries.Application.Charts;

namespace CaptionBoundaries.Tests.Charts;

public sealed class SvgChartsTests
{
    [Fact]
    public void Names_and_titles_from_users_are_encoded_in_the_svg()
    {
        var hostile = "<script>alert(1)</script>";
        var layout = LineChartLayout.Compute([new ChartSeries(hostile, [new(1, 1), new(2, 2)])]);

        var svg = SvgCharts.Line(layout, "\"><img src=x onerror=alert(2)>");

        Assert.DoesNotContain("<script", svg);
        Assert.DoesNotContain("<img", svg);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", svg);
        Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"", svg);
    }

    [Fact]
    public void A_bar_chart_draws_a_bar_per_category_with_error_bars_and_best_markers()
    {
        var layout = BarChartLayout.Compute([new BarDatum("a", 0.6, 0.1, 0.75), new BarDatum("b", 0.8, null, 0.8), new BarDatum("none yet", null)], "val macro-F1");

        var svg = SvgCharts.Bars(layout, "F1 by architecture");

        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(svg, "<rect x=\"[^\"]+\" y=\"[^\"]+\" width=\"[^\"]+\" height=\"[^\"]+\" fill=\"#").Count);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(svg, "class=\"cb-error-bar\""));
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(svg, "class=\"cb-bar-marker\"").Count);
        var a = layout.Bars[0];
        Assert.True(a.Whisker!.Value.High < a.Top && a.Top < a.Whisker.Value.Low, "the whisker spans the bar's top, ±1 sd");
        Assert.True(a.MarkerY < a.Top, "the best run is above the mean");
        Assert.Equal("0.0", layout.YTicks[0].Label);
    }
}
