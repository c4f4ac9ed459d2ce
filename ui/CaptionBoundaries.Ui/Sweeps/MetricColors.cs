using System.Globalization;

namespace CaptionBoundaries.Ui.Sweeps;

/// <summary>
/// The colour of a trial by how good its metric is (0 = the worst seen, 1 = the best): a light-to-dark blue ramp, so
/// the better trials stand out; the best trial is drawn in <see cref="Best"/> instead.
/// </summary>
public static class MetricColors
{
    public const string Worst = "#93c5fd";
    public const string Good = "#1e3a8a";
    public const string Best = "#dc2626";
    public const string NoMetric = "#9ca3af";

    public static string For(double goodness)
    {
        var t = double.IsFinite(goodness) ? Math.Clamp(goodness, 0, 1) : 0;
        var (r0, g0, b0) = Rgb(Worst);
        var (r1, g1, b1) = Rgb(Good);
        return $"#{Mix(r0, r1, t):x2}{Mix(g0, g1, t):x2}{Mix(b0, b1, t):x2}";
    }

    private static int Mix(int a, int b, double t) => (int)Math.Round(a + (b - a) * t, MidpointRounding.AwayFromZero);

    private static (int R, int G, int B) Rgb(string hex) =>
        (int.Parse(hex[1..3], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
         int.Parse(hex[3..5], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
         int.Parse(hex[5..7], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
}
