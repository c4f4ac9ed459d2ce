using CaptionBoundaries.Application.Features.Sweeps;
using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Ui.Sweeps;

/// <summary>One trial's marker: its parameter value along x, its metric along y.</summary>
public sealed record ScatterPoint(int Trial, double X, double Y, string Value, double Metric, string Color, bool IsBest);

/// <summary>
/// The geometry of a metric-against-one-parameter scatter: the parameter along x on the same scale as its parallel
/// axis (log for log_uniform, categories evenly), the metric along y, one marker per trial with a metric. Both axes
/// are inset by <see cref="Inset"/> of the plot so no marker sits on the frame.
/// </summary>
public sealed class MetricScatterLayout
{
    public const double Inset = 0.05;

    public static readonly ChartBox DefaultBox = new(Width: 720, Height: 320, Top: 16, Right: 24, Bottom: 44, Left: 72);

    private MetricScatterLayout(ChartBox box, AxisScale xScale, AxisScale yScale, IReadOnlyList<PlacedTick> xTicks,
        IReadOnlyList<PlacedTick> yTicks, IReadOnlyList<ScatterPoint> points)
    {
        Box = box;
        XScale = xScale;
        YScale = yScale;
        XTicks = xTicks;
        YTicks = yTicks;
        Points = points;
    }

    public ChartBox Box { get; }
    public AxisScale XScale { get; }
    public AxisScale YScale { get; }

    /// <summary>Ticks along x, <see cref="PlacedTick.At"/> being their x.</summary>
    public IReadOnlyList<PlacedTick> XTicks { get; }

    /// <summary>Ticks along y, <see cref="PlacedTick.At"/> being their y.</summary>
    public IReadOnlyList<PlacedTick> YTicks { get; }

    /// <summary>Markers, worst first and the best last (drawn on top).</summary>
    public IReadOnlyList<ScatterPoint> Points { get; }

    public static MetricScatterLayout Compute(SweepParameter parameter, IReadOnlyList<TrialInfo> trials, MetricGoal goal, int? bestTrial, ChartBox? box = null)
    {
        box ??= DefaultBox;
        var drawn = trials.Where(t => t.Metric is { } m && double.IsFinite(m) && t.Parameters.ContainsKey(parameter.Name)).ToList();
        var xScale = AxisScale.For(parameter, trials.Select(t => t.Parameters.GetValueOrDefault(parameter.Name)).OfType<string>());
        var yScale = AxisScale.Spanning(drawn.Select(t => t.Metric!.Value));
        var points = new List<ScatterPoint>();
        foreach (var trial in drawn)
        {
            if (xScale.Position(trial.Parameters[parameter.Name]) is not { } xPosition) continue;
            var metric = trial.Metric!.Value;
            var isBest = trial.Number == bestTrial;
            var goodness = ParallelCoordinatesLayout.Goodness(yScale, metric, goal);
            points.Add(new ScatterPoint(trial.Number, X(box, xPosition), Y(box, yScale.Position(metric) ?? 0), trial.Parameters[parameter.Name], metric,
                isBest ? MetricColors.Best : MetricColors.For(goodness), isBest));
        }
        return new MetricScatterLayout(box, xScale, yScale,
            xScale.Ticks().Select(t => new PlacedTick(X(box, t.Position), t.Label)).ToList(),
            yScale.Ticks().Select(t => new PlacedTick(Y(box, t.Position), t.Label)).ToList(),
            points.OrderBy(p => p.IsBest).ThenBy(p => ParallelCoordinatesLayout.Goodness(yScale, p.Metric, goal)).ThenBy(p => p.Trial).ToList());
    }

    /// <summary>A place along the parameter's axis (0..1) as an x inside the inset plot.</summary>
    public static double X(ChartBox box, double position) => box.PlotLeft + box.PlotWidth * (Inset + position * (1 - 2 * Inset));

    /// <summary>A place along the metric's axis (0..1) as a y inside the inset plot, larger metrics higher.</summary>
    public static double Y(ChartBox box, double position) => box.PlotBottom - box.PlotHeight * (Inset + position * (1 - 2 * Inset));
}
