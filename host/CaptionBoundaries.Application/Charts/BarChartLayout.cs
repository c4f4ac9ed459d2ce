namespace CaptionBoundaries.Application.Charts;

/// <summary>
/// One bar: its category label and value, an optional error (drawn as ±error whiskers, e.g. one standard deviation) and
/// an optional marker (e.g. the best value). A null value draws no bar (nothing to show yet).
/// </summary>
public sealed record BarDatum(string Label, double? Value, double? Error = null, double? Marker = null);

/// <summary>A bar placed: its rectangle, its whiskers (when it has an error), its marker and its label's x.</summary>
public sealed record PlacedBar(string Label, double? Value, double X, double Width, double Top, double Bottom,
    (double Low, double High)? Whisker, double? MarkerY, string Color);

/// <summary>
/// The geometry of a bar chart with error bars: one bar per category, evenly spaced, a y axis from zero (or below, for
/// negative values) up to the highest bar, whisker or marker, with nice ticks.
/// </summary>
public sealed class BarChartLayout
{
    public static readonly ChartBox DefaultBox = new(Width: 720, Height: 300, Top: 16, Right: 24, Bottom: 96, Left: 64);

    private BarChartLayout(ChartBox box, IReadOnlyList<PlacedBar> bars, IReadOnlyList<ChartTick> yTicks, string yLabel)
    {
        Box = box;
        Bars = bars;
        YTicks = yTicks;
        YLabel = yLabel;
    }

    public ChartBox Box { get; }
    public IReadOnlyList<PlacedBar> Bars { get; }
    public IReadOnlyList<ChartTick> YTicks { get; }
    public string YLabel { get; }

    public static BarChartLayout Compute(IReadOnlyList<BarDatum> data, string yLabel, ChartBox? box = null)
    {
        box ??= DefaultBox;
        var reach = data.SelectMany(d => new[]
        {
            d.Value, d.Marker,
            d.Value is { } v && d.Error is { } e ? v + Math.Abs(e) : null,
            d.Value is { } v2 && d.Error is { } e2 ? v2 - Math.Abs(e2) : null,
        }).OfType<double>().Where(double.IsFinite).Append(0).ToList();
        var (low, high) = (reach.Min(), reach.Max());
        if (low == high) high = low + 1;
        var step = NiceTicks.Step(low, high, 5);
        var (yMin, yMax) = NiceTicks.Widen(low, high, step);
        double Y(double y) => box.PlotBottom - (y - yMin) / (yMax - yMin) * box.PlotHeight;

        var slot = box.PlotWidth / Math.Max(1, data.Count);
        var width = Math.Min(80, slot * 0.6);
        var bars = data.Select((d, i) =>
        {
            var x = box.PlotLeft + slot * (i + 0.5);
            var top = d.Value is { } v && double.IsFinite(v) ? Y(Math.Max(v, 0)) : Y(0);
            var bottom = d.Value is { } v2 && double.IsFinite(v2) ? Y(Math.Min(v2, 0)) : Y(0);
            (double, double)? whisker = d.Value is { } value && d.Error is { } error && double.IsFinite(error)
                ? (Y(value - Math.Abs(error)), Y(value + Math.Abs(error)))
                : null;
            return new PlacedBar(d.Label, d.Value, x, width, top, bottom, whisker, d.Marker is { } m && double.IsFinite(m) ? Y(m) : null, ChartColors.For(i));
        }).ToList();
        var ticks = NiceTicks.Within(yMin, yMax, step).Select(t => new ChartTick(Y(t), NiceTicks.Label(t, step))).ToList();
        return new BarChartLayout(box, bars, ticks, yLabel);
    }
}
