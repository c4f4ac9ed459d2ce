using CaptionBoundaries.Application.Features.Sweeps;
using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Ui.Sweeps;

/// <summary>
/// One vertical axis: its x, the scale that places values on it, and its ticks at their y. Tick labels go left of the
/// axis, except on the metric's (the last) axis, where every line arrives from the left: there they go right.
/// </summary>
public sealed record ParallelAxis(string Name, AxisScale Scale, double X, IReadOnlyList<PlacedTick> Ticks, bool IsMetric)
{
    public bool LabelsRight => IsMetric;
}

public sealed record PlacedTick(double At, string Label);

public sealed record ChartPoint(double X, double Y);

/// <summary>One trial across the axes, coloured by its metric.</summary>
public sealed record TrialLine(int Trial, IReadOnlyList<ChartPoint> Points, string Color, bool IsBest, double Metric)
{
    /// <summary>The SVG polyline's points attribute.</summary>
    public string PointsAttribute => string.Join(" ", Points.Select(p => $"{ChartBox.Svg(p.X)},{ChartBox.Svg(p.Y)}"));
}

/// <summary>
/// The geometry of a parallel-coordinates chart of a sweep: one vertical axis per parameter, in the order the definition
/// lists them, then one for the metric; the axes are spaced evenly across the plot. Each trial with a metric is a
/// polyline through its value on every axis: larger values higher (a value's place along its axis, 0..1, from the
/// bottom), categories spaced evenly, log_uniform parameters on a log axis. Lines are coloured by how good the metric
/// is for the sweep's goal and ordered worst first, so better lines are drawn over worse ones and the best one last.
/// </summary>
public sealed class ParallelCoordinatesLayout
{
    public static readonly ChartBox DefaultBox = new(Width: 960, Height: 380, Top: 44, Right: 90, Bottom: 24, Left: 90);

    private ParallelCoordinatesLayout(ChartBox box, IReadOnlyList<ParallelAxis> axes, IReadOnlyList<TrialLine> lines, int withoutMetric)
    {
        Box = box;
        Axes = axes;
        Lines = lines;
        WithoutMetric = withoutMetric;
    }

    public ChartBox Box { get; }
    public IReadOnlyList<ParallelAxis> Axes { get; }
    public IReadOnlyList<TrialLine> Lines { get; }

    /// <summary>Trials not drawn because they have no metric yet (queued, running before their first epoch, failed).</summary>
    public int WithoutMetric { get; }

    public static ParallelCoordinatesLayout Compute(
        IReadOnlyList<SweepParameter> parameters, IReadOnlyList<TrialInfo> trials, string metricName, MetricGoal goal, int? bestTrial, ChartBox? box = null)
    {
        box ??= DefaultBox;
        var drawn = trials.Where(t => t.Metric is { } m && double.IsFinite(m)).ToList();
        var scales = parameters
            .Select(p => (p.Name, Scale: AxisScale.For(p, trials.Select(t => t.Parameters.GetValueOrDefault(p.Name)).OfType<string>()), IsMetric: false))
            .Append((Name: metricName, Scale: AxisScale.Spanning(drawn.Select(t => t.Metric!.Value)), IsMetric: true))
            .ToList();
        var axes = scales
            .Select((a, i) => new ParallelAxis(a.Name, a.Scale, AxisX(box, i, scales.Count),
                a.Scale.Ticks().Select(t => new PlacedTick(Y(box, t.Position), t.Label)).ToList(), a.IsMetric))
            .ToList();
        var metricScale = axes[^1].Scale;

        var lines = new List<TrialLine>();
        foreach (var trial in drawn)
        {
            var points = new List<ChartPoint>(axes.Count);
            foreach (var axis in axes)
            {
                var position = axis.IsMetric
                    ? axis.Scale.Position(trial.Metric!.Value)
                    : trial.Parameters.TryGetValue(axis.Name, out var text) ? axis.Scale.Position(text) : null;
                // A value the axis cannot place (e.g. not a number on a range axis) breaks no line: it sits at the bottom.
                points.Add(new ChartPoint(axis.X, Y(box, position ?? 0)));
            }
            var goodness = Goodness(metricScale, trial.Metric!.Value, goal);
            var isBest = trial.Number == bestTrial;
            lines.Add(new TrialLine(trial.Number, points, isBest ? MetricColors.Best : MetricColors.For(goodness), isBest, trial.Metric!.Value));
        }
        var ordered = lines
            .OrderBy(l => l.IsBest)
            .ThenBy(l => Goodness(metricScale, l.Metric, goal))
            .ThenBy(l => l.Trial)
            .ToList();
        return new ParallelCoordinatesLayout(box, axes, ordered, trials.Count - drawn.Count);
    }

    /// <summary>0 for the worst metric seen, 1 for the best, by the sweep's goal (0.5 when all trials tie).</summary>
    public static double Goodness(AxisScale metricScale, double metric, MetricGoal goal)
    {
        var t = metricScale.Position(metric) ?? 0;
        return goal == MetricGoal.Maximize ? t : 1 - t;
    }

    /// <summary>The i-th of n axes, spaced evenly from the plot's left edge to its right edge (a single axis in the middle).</summary>
    public static double AxisX(ChartBox box, int index, int count) =>
        count <= 1 ? box.PlotLeft + box.PlotWidth / 2 : box.PlotLeft + box.PlotWidth * index / (count - 1);

    /// <summary>A place along an axis (0..1) as a y: 0 at the plot's bottom, 1 at its top.</summary>
    public static double Y(ChartBox box, double position) => box.PlotBottom - position * box.PlotHeight;
}
