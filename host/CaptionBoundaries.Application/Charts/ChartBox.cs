using System.Globalization;

namespace CaptionBoundaries.Application.Charts;

/// <summary>
/// An SVG chart's size and the margins around its plot area (labels and ticks go in the margins). Shared by the
/// console's charts and the exported HTML reports, which draw the same SVG.
/// </summary>
public sealed record ChartBox(double Width, double Height, double Top, double Right, double Bottom, double Left)
{
    public double PlotLeft => Left;
    public double PlotRight => Width - Right;
    public double PlotTop => Top;
    public double PlotBottom => Height - Bottom;
    public double PlotWidth => PlotRight - PlotLeft;
    public double PlotHeight => PlotBottom - PlotTop;

    /// <summary>A coordinate as SVG text: invariant, at most two decimals.</summary>
    public static string Svg(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
