using System.Globalization;

namespace CaptionBoundaries.Application.Charts;

/// <summary>
/// Axis ticks people read at a glance: steps of 1, 2, 2.5 or 5 times a power of ten, whole numbers on an integer axis
/// (epochs, steps: never "epoch 1.2"), and labels with as many decimals as the step needs and no more (never
/// 0.6000000000000001). Large values are shortened with k and M.
/// </summary>
public static class NiceTicks
{
    private static readonly double[] Mantissas = [1, 2, 2.5, 5, 10];

    /// <summary>The step between about <paramref name="count"/> ticks over [min, max]; at least 1 on an integer axis.</summary>
    public static double Step(double min, double max, int count = 5, bool integer = false)
    {
        var range = Math.Abs(max - min);
        if (!double.IsFinite(range) || range == 0) return integer ? 1 : Math.Abs(min) > 0 ? Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(min))) - 1) : 1;
        var rough = range / Math.Max(1, count - 1);
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = Mantissas.Select(m => m * magnitude).First(s => s >= rough * (1 - 1e-9));
        // 2.5 makes quarter steps, which an integer axis cannot have.
        if (integer) step = Math.Max(1, step == 2.5 * magnitude ? 2 * magnitude : step);
        return integer ? Math.Round(step) : step;
    }

    /// <summary>The multiples of the step within [min, max] (both ends included when they fall on one).</summary>
    public static IReadOnlyList<double> Within(double min, double max, double step)
    {
        if (max < min) (min, max) = (max, min);
        var ticks = new List<double>();
        var first = Math.Ceiling(min / step - 1e-9);
        for (var i = first; i * step <= max + step * 1e-9 && ticks.Count < 1000; i++) ticks.Add(Snap(i * step, step));
        return ticks;
    }

    /// <summary>[min, max] widened to the nearest multiples of the step, so the axis starts and ends on a tick.</summary>
    public static (double Min, double Max) Widen(double min, double max, double step) =>
        (Snap(Math.Floor(min / step + 1e-9) * step, step), Snap(Math.Ceiling(max / step - 1e-9) * step, step));

    /// <summary>A tick's label: as many decimals as the step needs, k/M for large values, never "-0".</summary>
    public static string Label(double value, double step)
    {
        value = Snap(value, step);
        // Chosen by the step, so every label of one axis has the same unit.
        var (divisor, suffix) = Math.Abs(step) >= 1e6 ? (1e6, "M") : Math.Abs(step) >= 1e3 ? (1e3, "k") : (1.0, "");
        var decimals = Decimals(step / divisor);
        return (value / divisor).ToString("F" + decimals, CultureInfo.InvariantCulture) + suffix;
    }

    /// <summary>Digits after the point that show a multiple of the step exactly (0 for whole steps), at most 6.</summary>
    public static int Decimals(double step)
    {
        step = Math.Abs(step);
        if (!double.IsFinite(step) || step == 0) return 0;
        for (var d = 0; d <= 6; d++)
        {
            var scaled = step * Math.Pow(10, d);
            if (Math.Abs(scaled - Math.Round(scaled)) < 1e-6 * Math.Max(1, scaled)) return d;
        }
        return 6;
    }

    // A multiple of the step computed in floating point, rounded back onto the step (0.1 * 3 is 0.30000000000000004).
    private static double Snap(double value, double step)
    {
        var snapped = Math.Round(value / step) * step;
        snapped = Math.Round(snapped, Math.Min(15, Decimals(step) + 2));
        return snapped == 0 ? 0 : snapped;
    }
}
