using System.Globalization;
using System.Text;

namespace CaptionBoundaries.Application.Charts;

/// <summary>How a line chart is drawn: its axes, the x range shown (zoom), and the smoothing weight (0: none).</summary>
public sealed record LineChartOptions
{
    /// <summary>Wide enough on the left for labels such as "0.0001" or "-12.5k".</summary>
    public static readonly ChartBox DefaultBox = new(Width: 720, Height: 300, Top: 16, Right: 24, Bottom: 64, Left: 64);

    public ChartBox Box { get; init; } = DefaultBox;
    public string XLabel { get; init; } = "epoch";
    public string YLabel { get; init; } = "";

    /// <summary>x only takes whole values (epochs, steps): ticks fall on integers.</summary>
    public bool IntegerX { get; init; } = true;

    /// <summary>The x range shown; null ends take the data's own.</summary>
    public double? XFrom { get; init; }
    public double? XTo { get; init; }

    /// <summary>EMA weight in [0, <see cref="Ema.MaxWeight"/>]; above 0 the raw line stays, faint, behind the smoothed one.</summary>
    public double Smoothing { get; init; }
}

/// <summary>
/// A line drawn: its SVG path data (gaps where y is not finite), the smoothed path when smoothing is on, and markers
/// when few points are shown (a 3-epoch run is three dots, not a line that hides them).
/// </summary>
public sealed record PlacedLine(string Name, string Color, string Path, string? SmoothedPath, IReadOnlyList<LinePoint> Markers, int PointsShown);

/// <summary>
/// The geometry of a line chart over x (epochs or steps) and y, in <see cref="ChartBox"/> coordinates: nice ticks on
/// both axes, the y range fitted to the points shown, lines clipped to the zoomed x range. Smoothing is applied to the
/// whole series before zooming, so zooming in does not change the smoothed values.
/// </summary>
public sealed class LineChartLayout
{
    public const int MarkerLimit = 40;

    private LineChartLayout(ChartBox box, LineChartOptions options, double xMin, double xMax, double yMin, double yMax,
        IReadOnlyList<ChartTick> xTicks, IReadOnlyList<ChartTick> yTicks, IReadOnlyList<PlacedLine> lines, (double Min, double Max)? dataX)
    {
        Box = box;
        Options = options;
        XMin = xMin;
        XMax = xMax;
        YMin = yMin;
        YMax = yMax;
        XTicks = xTicks;
        YTicks = yTicks;
        Lines = lines;
        DataX = dataX;
    }

    public ChartBox Box { get; }
    public LineChartOptions Options { get; }
    public double XMin { get; }
    public double XMax { get; }
    public double YMin { get; }
    public double YMax { get; }
    public IReadOnlyList<ChartTick> XTicks { get; }
    public IReadOnlyList<ChartTick> YTicks { get; }
    public IReadOnlyList<PlacedLine> Lines { get; }

    /// <summary>The x range of all the data (null when there is none): where a zoom can go.</summary>
    public (double Min, double Max)? DataX { get; }

    public bool IsEmpty => Lines.All(l => l.PointsShown == 0);

    public static LineChartLayout Compute(IReadOnlyList<ChartSeries> series, LineChartOptions? options = null)
    {
        options ??= new LineChartOptions();
        var box = options.Box;
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X)).ToList();
        (double Min, double Max)? dataX = all.Count == 0 ? null : (all.Min(p => p.X), all.Max(p => p.X));
        var (xMin, xMax) = XRange(dataX, options);
        bool Shown(LinePoint p) => p.X >= xMin && p.X <= xMax;

        var smoothed = series.Select(s => options.Smoothing > 0 ? Ema.Smooth(s.Points.Select(p => p.Y).ToList(), options.Smoothing) : null).ToList();
        var shownY = series.SelectMany(s => s.Points).Where(p => Shown(p) && double.IsFinite(p.Y)).Select(p => p.Y).ToList();
        var (yLow, yHigh) = shownY.Count == 0 ? (0.0, 1.0) : (shownY.Min(), shownY.Max());
        if (yLow == yHigh)
        {
            var pad = yLow == 0 ? 0.5 : Math.Abs(yLow) * 0.1;
            (yLow, yHigh) = (yLow - pad, yHigh + pad);
        }
        var yStep = NiceTicks.Step(yLow, yHigh, 5);
        var (yMin, yMax) = NiceTicks.Widen(yLow, yHigh, yStep);
        var xStep = NiceTicks.Step(xMin, xMax, Math.Max(2, (int)(box.PlotWidth / 90)), options.IntegerX);

        double X(double x) => xMax == xMin ? box.PlotLeft + box.PlotWidth / 2 : box.PlotLeft + (x - xMin) / (xMax - xMin) * box.PlotWidth;
        double Y(double y) => box.PlotBottom - (y - yMin) / (yMax - yMin) * box.PlotHeight;

        var lines = new List<PlacedLine>();
        for (var i = 0; i < series.Count; i++)
        {
            var points = series[i].Points;
            var shown = Enumerable.Range(0, points.Count).Where(j => Shown(points[j])).ToList();
            var path = PathOf(shown.Select(j => points[j]), X, Y);
            var smoothPath = smoothed[i] is { } s ? PathOf(shown.Select(j => new LinePoint(points[j].X, s[j])), X, Y) : null;
            var markers = shown.Count <= MarkerLimit
                ? shown.Where(j => double.IsFinite(points[j].Y)).Select(j => new LinePoint(X(points[j].X), Y(smoothed[i]?[j] ?? points[j].Y))).ToList()
                : [];
            lines.Add(new PlacedLine(series[i].Name, ChartColors.For(i), path, smoothPath, markers, shown.Count));
        }
        return new LineChartLayout(box, options, xMin, xMax, yMin, yMax,
            NiceTicks.Within(xMin, xMax, xStep).Select(t => new ChartTick(X(t), NiceTicks.Label(t, xStep))).ToList(),
            NiceTicks.Within(yMin, yMax, yStep).Select(t => new ChartTick(Y(t), NiceTicks.Label(t, yStep))).ToList(),
            lines, dataX);
    }

    /// <summary>The x range shown: the zoom's ends within the data (the data's own where a zoom end is absent or makes no sense).</summary>
    private static (double Min, double Max) XRange((double Min, double Max)? data, LineChartOptions options)
    {
        if (data is not { } d) return (0, 1);
        var from = options.XFrom is { } f && double.IsFinite(f) ? Math.Max(f, d.Min) : d.Min;
        var to = options.XTo is { } t && double.IsFinite(t) ? Math.Min(t, d.Max) : d.Max;
        if (from > to) (from, to) = (d.Min, d.Max);
        if (from == to)
        {
            // One epoch (or a zoom onto one point) still gets an axis around it.
            from -= options.IntegerX ? 1 : 0.5;
            to += options.IntegerX ? 1 : 0.5;
        }
        return (from, to);
    }

    // Consecutive finite points are joined; a non-finite y starts a new piece.
    private static string PathOf(IEnumerable<LinePoint> points, Func<double, double> x, Func<double, double> y)
    {
        var path = new StringBuilder();
        var pen = false;
        foreach (var p in points)
        {
            if (!double.IsFinite(p.Y))
            {
                pen = false;
                continue;
            }
            path.Append(pen ? " L" : path.Length == 0 ? "M" : " M").Append(ChartBox.Svg(x(p.X))).Append(' ').Append(ChartBox.Svg(y(p.Y)));
            pen = true;
        }
        return path.ToString();
    }

    /// <summary>A value as the chart's tooltips and tables show it.</summary>
    public static string Format(double value) =>
        double.IsFinite(value) ? value.ToString("G6", CultureInfo.InvariantCulture) : "NaN";
}
