using Bunit;
using CaptionBoundaries.Ui.Runs;

namespace CaptionBoundaries.Tests.Ui;

/// <summary>The run curves as the console draws them: whole-epoch ticks, readable labels, smoothing and zoom.</summary>
public sealed class CurveChartTests : IDisposable
{
    private readonly UiTestContext _ctx = new();

    private static readonly IReadOnlyList<CurveSeries> Loss =
    [
        new("train loss", [new(1, 0.9), new(2, 0.6000000000000001), new(3, 0.45), new(4, 0.5), new(5, 0.3)]),
        new("val loss", [new(1, 1.0), new(2, 0.7), new(3, 0.65), new(4, 0.66), new(5, 0.61)]),
    ];

    private IRenderedComponent<CurveChart> Render(IReadOnlyList<CurveSeries> series) =>
        _ctx.Render<CurveChart>(p => p.Add(c => c.Id, "loss").Add(c => c.Title, "Loss").Add(c => c.Series, series));

    [Fact]
    public void Epochs_are_ticked_as_whole_numbers_and_values_without_float_noise()
    {
        var chart = Render(Loss);

        Assert.Equal(["1", "2", "3", "4", "5"], chart.FindAll(".cb-x-tick").Select(t => t.TextContent));
        var yLabels = chart.FindAll(".cb-y-tick").Select(t => t.TextContent).ToList();
        Assert.Equal(["0.2", "0.4", "0.6", "0.8", "1.0"], yLabels);
        Assert.DoesNotContain("epoch 1.", chart.Markup);
        Assert.Equal(["train loss", "val loss"], chart.FindAll("[data-chart=loss] .cb-series").Select(s => s.GetAttribute("data-series")));
    }

    [Fact]
    public void Two_epochs_are_not_ticked_at_half_epochs()
    {
        var chart = Render([new CurveSeries("f1", [new(1, 0.5), new(2, 0.6)])]);

        Assert.Equal(["1", "2"], chart.FindAll(".cb-x-tick").Select(t => t.TextContent));
    }

    [Fact]
    public void The_smoothing_slider_adds_a_smoothed_line_and_keeps_the_raw_one_faint()
    {
        var chart = Render(Loss);
        Assert.Empty(chart.FindAll(".cb-line-smoothed"));

        chart.Find("input[name=smoothing]").Input("0.6");

        Assert.Equal(2, chart.FindAll(".cb-line-smoothed").Count);
        Assert.All(chart.FindAll(".cb-line-raw"), raw => Assert.Equal("0.25", raw.GetAttribute("stroke-opacity")));
        Assert.Equal("0.60", chart.Find(".cb-smoothing-value").TextContent);

        chart.Find("input[name=smoothing]").Input("0");
        Assert.Empty(chart.FindAll(".cb-line-smoothed"));
    }

    [Fact]
    public void Zooming_onto_an_epoch_range_and_resetting()
    {
        var chart = Render(Loss);

        chart.Find("input[name=zoom-from]").Change("3");
        chart.Find("input[name=zoom-to]").Change("4");

        Assert.Equal(["3", "4"], chart.FindAll(".cb-x-tick").Select(t => t.TextContent));
        Assert.All(chart.FindAll(".cb-series"), s => Assert.Equal("2", s.GetAttribute("data-points")));

        chart.Find("button.cb-zoom-reset").Click();
        Assert.All(chart.FindAll(".cb-series"), s => Assert.Equal("5", s.GetAttribute("data-points")));
        Assert.True(chart.Find("button.cb-zoom-reset").HasAttribute("disabled"));
    }

    [Fact]
    public void No_epoch_yet_says_so_instead_of_drawing_an_empty_frame()
    {
        var chart = Render([new CurveSeries("train loss", [])]);

        Assert.Contains("No epoch recorded yet.", chart.Markup);
        Assert.Empty(chart.FindAll("svg"));
    }

    public void Dispose() => _ctx.Dispose();
}
