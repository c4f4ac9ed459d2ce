using System.Globalization;
using CaptionBoundaries.Application.Features.Sweeps;
using CaptionBoundaries.Domain.Sweeps;

namespace CaptionBoundaries.Ui.Sweeps;

public enum AxisKind
{
    Linear,
    Log,
    Categorical,
}

/// <summary>A tick on an axis: its place along the axis (0 = start, 1 = end) and its label.</summary>
public sealed record AxisTick(double Position, string Label);

/// <summary>
/// Maps a value to its place along an axis, 0 at the start and 1 at the end. Linear and log axes span
/// [<see cref="Min"/>, <see cref="Max"/>] (a log axis by the logarithm); a categorical axis places its categories evenly,
/// the first at 0 and the last at 1 (a single one in the middle). A degenerate range puts everything in the middle.
/// </summary>
public sealed class AxisScale
{
    private AxisScale(AxisKind kind, double min, double max, IReadOnlyList<string> categories, bool integer)
    {
        Kind = kind;
        Min = min;
        Max = max;
        Categories = categories;
        Integer = integer;
    }

    public AxisKind Kind { get; }
    public double Min { get; }
    public double Max { get; }
    public IReadOnlyList<string> Categories { get; }

    /// <summary>Only whole numbers occur (an int_uniform parameter): ticks fall on integers.</summary>
    public bool Integer { get; }

    public static AxisScale Linear(double min, double max, bool integer = false) => new(AxisKind.Linear, Math.Min(min, max), Math.Max(min, max), [], integer);

    public static AxisScale Log(double min, double max)
    {
        if (!(min > 0) || !(max > 0)) throw new ArgumentOutOfRangeException(nameof(min), "A log axis needs positive bounds.");
        return new(AxisKind.Log, Math.Min(min, max), Math.Max(min, max), [], false);
    }

    public static AxisScale Categorical(IEnumerable<string> categories) => new(AxisKind.Categorical, 0, 0, categories.Distinct().ToList(), false);

    /// <summary>
    /// The axis of a swept parameter: its declared range (widened to any value a trial used outside it), on a log
    /// scale for log_uniform; fixed and categorical parameters list their values in the order written, then any other
    /// value a trial used.
    /// </summary>
    public static AxisScale For(SweepParameter parameter, IEnumerable<string> used)
    {
        var values = used.ToList();
        switch (parameter.Kind)
        {
            case ParameterKind.Uniform or ParameterKind.IntUniform:
                {
                    var numbers = values.Select(Parse).OfType<double>().ToList();
                    return Linear(numbers.Append(parameter.Min).Min(), numbers.Append(parameter.Max).Max(), parameter.Kind == ParameterKind.IntUniform);
                }
            case ParameterKind.LogUniform:
                {
                    var numbers = values.Select(Parse).OfType<double>().Where(v => v > 0).ToList();
                    return Log(numbers.Append(parameter.Min).Min(), numbers.Append(parameter.Max).Max());
                }
            default:
                return Categorical(parameter.Values.Concat(values));
        }
    }

    /// <summary>A linear axis spanning the values (the metric's axis); 0 to 1 when there are none.</summary>
    public static AxisScale Spanning(IEnumerable<double> values)
    {
        var list = values.Where(double.IsFinite).ToList();
        return list.Count == 0 ? Linear(0, 1) : Linear(list.Min(), list.Max());
    }

    /// <summary>The value's place along the axis, or null when it cannot be placed (not a number, not positive on a log axis).</summary>
    public double? Position(string value)
    {
        if (Kind == AxisKind.Categorical)
        {
            var index = IndexOf(value);
            return index < 0 ? null : CategoryPosition(index);
        }
        return Parse(value) is { } number ? Position(number) : null;
    }

    public double? Position(double value)
    {
        switch (Kind)
        {
            case AxisKind.Linear:
                return Max == Min ? 0.5 : (value - Min) / (Max - Min);
            case AxisKind.Log:
                if (!(value > 0)) return null;
                return Max == Min ? 0.5 : (Math.Log(value) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min));
            default:
                return Position(value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Linear: <paramref name="count"/> evenly spaced values from Min to Max (integers only on an integer axis).
    /// Log: every power of ten within the range, plus the bounds. Categorical: every category.
    /// </summary>
    public IReadOnlyList<AxisTick> Ticks(int count = 5)
    {
        switch (Kind)
        {
            case AxisKind.Categorical:
                return Categories.Select((c, i) => new AxisTick(CategoryPosition(i), c)).ToList();
            case AxisKind.Log:
                {
                    if (Max == Min) return [new AxisTick(0.5, Label(Min))];
                    var values = new List<double> { Min };
                    for (var e = (int)Math.Ceiling(Math.Log10(Min) - 1e-9); e <= (int)Math.Floor(Math.Log10(Max) + 1e-9); e++)
                        values.Add(Math.Pow(10, e));
                    values.Add(Max);
                    return Distinct(values.Select(v => new AxisTick(Position(v)!.Value, Label(v))));
                }
            default:
                {
                    if (Max == Min) return [new AxisTick(0.5, Label(Min))];
                    if (Integer)
                    {
                        var step = Math.Max(1, Math.Ceiling((Max - Min) / Math.Max(1, count - 1)));
                        var ticks = new List<AxisTick>();
                        for (var v = Math.Ceiling(Min); v <= Max + 1e-9; v += step) ticks.Add(new AxisTick(Position(v)!.Value, Label(v)));
                        return ticks;
                    }
                    return Enumerable.Range(0, Math.Max(2, count))
                        .Select(i => (double)i / (Math.Max(2, count) - 1))
                        .Select(t => new AxisTick(t, Label(Min + t * (Max - Min))))
                        .ToList();
                }
        }
    }

    private int IndexOf(string value)
    {
        for (var i = 0; i < Categories.Count; i++)
        {
            if (Categories[i] == value) return i;
        }
        return -1;
    }

    private double CategoryPosition(int index) => Categories.Count == 1 ? 0.5 : (double)index / (Categories.Count - 1);

    // Ticks closer than 1% of the axis are one tick (a bound that is itself a power of ten).
    private static List<AxisTick> Distinct(IEnumerable<AxisTick> ticks)
    {
        var result = new List<AxisTick>();
        foreach (var tick in ticks.OrderBy(t => t.Position))
        {
            if (result.Count == 0 || tick.Position - result[^1].Position > 0.01) result.Add(tick);
        }
        return result;
    }

    public static string Label(double value) => SweepViews.FormatNumber(value);

    public static double? Parse(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;
}
