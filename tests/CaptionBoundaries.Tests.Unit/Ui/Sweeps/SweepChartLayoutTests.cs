using CaptionBoundaries.Application.Charts;
using CaptionBoundaries.Application.Features.Sweeps;
using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Ui.Sweeps;

namespace CaptionBoundaries.Tests.Ui.Sweeps;

/// <summary>The sweep charts' geometry, computed by hand for small cases.</summary>
public sealed class SweepChartLayoutTests
{
    // Plot area x 40..340 (300 wide), y 20..170 (150 high): four axes 100 apart, a place p along an axis at y = 170 - 150 p.
    private static readonly ChartBox Box = new(Width: 380, Height: 200, Top: 20, Right: 40, Bottom: 30, Left: 40);

    private static readonly SweepParameter Lr = new("lr", ParameterKind.LogUniform, [], 1e-4, 1e-2);
    private static readonly SweepParameter Optimizer = new("optimizer", ParameterKind.Categorical, ["sgd", "adam", "adamw"], 0, 0);
    private static readonly SweepParameter Width = new("width", ParameterKind.IntUniform, [], 4, 12);

    private static TrialInfo Trial(int number, string lr, string optimizer, string width, double? metric, TrialStatus status = TrialStatus.Completed) =>
        new(number, Guid.NewGuid(), new Dictionary<string, string> { ["lr"] = lr, ["optimizer"] = optimizer, ["width"] = width }, status, 2, metric, null);

    private static readonly TrialInfo[] Trials =
    [
        Trial(1, "0.001", "adam", "8", 0.6),
        Trial(2, "0.0001", "sgd", "12", 0.9),
        Trial(3, "0.01", "adamw", "4", 0.7),
        Trial(4, "0.003", "sgd", "5", null, TrialStatus.Running),
    ];

    // Coordinates are compared to 9 decimals: log(0.001) is not exactly halfway between log(1e-4) and log(0.01) in binary.
    private static double R(double value) => Math.Round(value, 9);

    private static ParallelCoordinatesLayout Layout(MetricGoal goal = MetricGoal.Maximize, int? best = 2) =>
        ParallelCoordinatesLayout.Compute([Lr, Optimizer, Width], Trials, "val_macro_f1", goal, best, Box);

    [Fact]
    public void One_axis_per_parameter_in_definition_order_then_the_metric_spaced_evenly()
    {
        var layout = Layout();

        Assert.Equal(["lr", "optimizer", "width", "val_macro_f1"], layout.Axes.Select(a => a.Name));
        Assert.Equal([40.0, 140.0, 240.0, 340.0], layout.Axes.Select(a => a.X));
        Assert.Equal([AxisKind.Log, AxisKind.Categorical, AxisKind.Linear, AxisKind.Linear], layout.Axes.Select(a => a.Scale.Kind));
        Assert.Equal([false, false, false, true], layout.Axes.Select(a => a.IsMetric));
        // Every line arrives at the metric axis from the left: its labels are on its right.
        Assert.Equal([false, false, false, true], layout.Axes.Select(a => a.LabelsRight));
    }

    [Fact]
    public void Each_trial_with_a_metric_is_a_polyline_at_the_hand_computed_coordinates()
    {
        var layout = Layout();

        // Trial 4 has no metric yet: not drawn, but counted.
        Assert.Equal(1, layout.WithoutMetric);
        var lines = layout.Lines.ToDictionary(l => l.Trial);
        Assert.Equal([1, 2, 3], lines.Keys.Order());
        // lr 0.001 is halfway up the log axis 1e-4..1e-2; adam is the middle of three categories; 8 is halfway along 4..12;
        // 0.6 is the lowest metric (the metric axis spans 0.6..0.9).
        Assert.Equal("40,95 140,95 240,95 340,170", lines[1].PointsAttribute);
        Assert.Equal("40,170 140,170 240,20 340,20", lines[2].PointsAttribute);
        // 0.7 is a third of the way from 0.6 to 0.9: y = 170 - 150 / 3.
        Assert.Equal("40,20 140,20 240,170 340,120", lines[3].PointsAttribute);
    }

    [Fact]
    public void Lines_are_coloured_by_metric_worst_first_and_the_best_last_in_its_own_colour()
    {
        var layout = Layout();

        Assert.Equal([1, 3, 2], layout.Lines.Select(l => l.Trial));
        Assert.Equal([false, false, true], layout.Lines.Select(l => l.IsBest));
        Assert.Equal(MetricColors.Worst, layout.Lines[0].Color);
        // A third of the way from #93c5fd to #1e3a8a: (147, 197, 253) + ((30, 58, 138) - (147, 197, 253)) / 3 = (108, 151, 215).
        Assert.Equal("#6c97d7", layout.Lines[1].Color);
        Assert.Equal(MetricColors.Best, layout.Lines[2].Color);
    }

    [Fact]
    public void For_a_metric_to_minimize_the_lowest_value_is_the_best_coloured()
    {
        var layout = Layout(MetricGoal.Minimize, best: 1);

        Assert.Equal([2, 3, 1], layout.Lines.Select(l => l.Trial));
        Assert.Equal(MetricColors.Worst, layout.Lines[0].Color);
        Assert.Equal(MetricColors.For(2.0 / 3), layout.Lines[1].Color);
        Assert.Equal(MetricColors.Best, layout.Lines[2].Color);
        // The metric axis itself still has larger values higher.
        Assert.Equal(170, layout.Lines[2].Points[^1].Y);
    }

    [Fact]
    public void Axis_ticks_are_placed_at_their_values()
    {
        var layout = Layout();

        // Log: the powers of ten in range (the bounds here are powers of ten themselves).
        Assert.Equal([(170.0, "1e-4"), (95.0, "0.001"), (20.0, "0.01")], layout.Axes[0].Ticks.Select(t => (R(t.At), t.Label)));
        Assert.Equal([(170.0, "sgd"), (95.0, "adam"), (20.0, "adamw")], layout.Axes[1].Ticks.Select(t => (t.At, t.Label)));
        // Integers 4..12 in steps of 2.
        Assert.Equal([(170.0, "4"), (132.5, "6"), (95.0, "8"), (57.5, "10"), (20.0, "12")], layout.Axes[2].Ticks.Select(t => (t.At, t.Label)));
        Assert.Equal(["0.6", "0.675", "0.75", "0.825", "0.9"], layout.Axes[3].Ticks.Select(t => t.Label));
        Assert.Equal([170.0, 132.5, 95.0, 57.5, 20.0], layout.Axes[3].Ticks.Select(t => t.At));
    }

    [Fact]
    public void A_log_axis_places_values_by_their_logarithm_and_ticks_each_power_of_ten_between_its_bounds()
    {
        var scale = AxisScale.Log(3e-4, 0.05);

        Assert.Equal(0, scale.Position(3e-4)!.Value, 12);
        Assert.Equal(1, scale.Position(0.05)!.Value, 12);
        Assert.Equal(Math.Log(1e-3 / 3e-4) / Math.Log(0.05 / 3e-4), scale.Position("0.001")!.Value, 12);
        // Halfway along a log axis is the geometric mean, not the arithmetic one.
        Assert.Equal(0.5, scale.Position(Math.Sqrt(3e-4 * 0.05))!.Value, 12);
        Assert.Null(scale.Position(0));
        Assert.Null(scale.Position("-1"));
        Assert.Equal(["3e-4", "0.001", "0.01", "0.05"], scale.Ticks().Select(t => t.Label));
    }

    [Fact]
    public void Categories_are_placed_evenly_in_the_order_written_and_a_single_one_in_the_middle()
    {
        var four = AxisScale.Categorical(["a", "b", "c", "d"]);
        Assert.Equal([0, 1 / 3.0, 2 / 3.0, 1], new[] { "a", "b", "c", "d" }.Select(c => four.Position(c)!.Value));
        Assert.Null(four.Position("e"));

        Assert.Equal(0.5, AxisScale.Categorical(["only"]).Position("only"));

        // Numbers listed as values are categories too: evenly spaced whatever their magnitude, in the order written.
        var values = AxisScale.For(new SweepParameter("lr", ParameterKind.Categorical, ["0.003", "0.03", "0.3"], 0, 0), ["0.03"]);
        Assert.Equal(AxisKind.Categorical, values.Kind);
        Assert.Equal([0, 0.5, 1], new[] { "0.003", "0.03", "0.3" }.Select(v => values.Position(v)!.Value));
        // A fixed value is one category.
        Assert.Equal(0.5, AxisScale.For(new SweepParameter("seed", ParameterKind.Fixed, ["7"], 0, 0), ["7"]).Position("7"));
    }

    [Fact]
    public void A_linear_axis_normalises_between_its_bounds_and_widens_to_values_outside_the_declared_range()
    {
        var uniform = AxisScale.For(new SweepParameter("dropout", ParameterKind.Uniform, [], 0, 0.5), ["0.1", "0.75"]);
        Assert.Equal((0.0, 0.75), (uniform.Min, uniform.Max));
        Assert.Equal(0.2, uniform.Position("0.15")!.Value, 12);
        Assert.Null(uniform.Position("wide"));
        Assert.Equal(["0", "0.1875", "0.375", "0.5625", "0.75"], uniform.Ticks().Select(t => t.Label));

        // Everything equal: the middle, with one tick.
        var flat = AxisScale.Spanning([0.8, 0.8]);
        Assert.Equal(0.5, flat.Position(0.8));
        Assert.Equal([new AxisTick(0.5, "0.8")], flat.Ticks());

        Assert.Equal(["1", "2", "3"], AxisScale.Linear(1, 3, integer: true).Ticks().Select(t => t.Label));
    }

    [Fact]
    public void The_scatter_puts_the_parameter_along_x_on_its_own_scale_and_the_metric_along_y_inset_from_the_frame()
    {
        // Plot x 40..290 (250 wide), y 10..170 (160 high), each inset by 5 %: x = 40 + 250 (0.05 + 0.9 p), y = 170 - 160 (0.05 + 0.9 p).
        var box = new ChartBox(Width: 300, Height: 200, Top: 10, Right: 10, Bottom: 30, Left: 40);

        var layout = MetricScatterLayout.Compute(Lr, Trials, MetricGoal.Maximize, bestTrial: 2, box);

        Assert.Equal(AxisKind.Log, layout.XScale.Kind);
        Assert.Equal([1, 3, 2], layout.Points.Select(p => p.Trial));
        var points = layout.Points.ToDictionary(p => p.Trial);
        Assert.Equal((165.0, 162.0), (R(points[1].X), R(points[1].Y)));
        Assert.Equal((52.5, 18.0), (R(points[2].X), R(points[2].Y)));
        Assert.Equal((277.5, 114.0), (R(points[3].X), R(points[3].Y)));
        Assert.True(points[2].IsBest);
        Assert.Equal(MetricColors.Best, points[2].Color);
        Assert.Equal([(52.5, "1e-4"), (165.0, "0.001"), (277.5, "0.01")], layout.XTicks.Select(t => (R(t.At), t.Label)));

        var categorical = MetricScatterLayout.Compute(Optimizer, Trials, MetricGoal.Maximize, 2, box);
        Assert.Equal(AxisKind.Categorical, categorical.XScale.Kind);
        Assert.Equal([(52.5, "sgd"), (165.0, "adam"), (277.5, "adamw")], categorical.XTicks.Select(t => (R(t.At), t.Label)));
    }

    [Fact]
    public void With_no_metric_yet_there_is_nothing_to_draw_but_the_axes()
    {
        var layout = ParallelCoordinatesLayout.Compute([Lr], [Trial(1, "0.001", "adam", "8", null, TrialStatus.Queued)], "val_loss", MetricGoal.Minimize, null, Box);

        Assert.Empty(layout.Lines);
        Assert.Equal(1, layout.WithoutMetric);
        Assert.Equal([40.0, 340.0], layout.Axes.Select(a => a.X));
        Assert.Empty(MetricScatterLayout.Compute(Lr, [], MetricGoal.Minimize, null).Points);
    }
}
