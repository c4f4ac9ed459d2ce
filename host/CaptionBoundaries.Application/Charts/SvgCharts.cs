using System.Text;
using System.Text.Encodings.Web;

namespace CaptionBoundaries.Application.Charts;

/// <summary>
/// Draws the chart layouts as standalone SVG markup: the console shows it as is, and the exported HTML reports embed
/// it, so both show the same chart. Every text (series names, labels, titles: they come from users) is HTML-encoded,
/// and the styling is in presentation attributes, so the SVG needs no stylesheet or script.
/// </summary>
public static class SvgCharts
{
    private const string Font = "font-family=\"system-ui, sans-serif\"";

    public static string Line(LineChartLayout layout, string title)
    {
        var box = layout.Box;
        var svg = Open(box, title, "cb-line-chart");
        Frame(svg, box);
        foreach (var tick in layout.YTicks)
        {
            var y = ChartBox.Svg(tick.At);
            svg.Append($"<g class=\"cb-tick-mark\"><line x1=\"{ChartBox.Svg(box.PlotLeft)}\" y1=\"{y}\" x2=\"{ChartBox.Svg(box.PlotRight)}\" y2=\"{y}\" stroke=\"#f3f4f6\"/>");
            svg.Append($"<text class=\"cb-tick cb-y-tick\" x=\"{ChartBox.Svg(box.PlotLeft - 6)}\" y=\"{ChartBox.Svg(tick.At + 4)}\" text-anchor=\"end\" font-size=\"11\" {Font}>{Encode(tick.Label)}</text></g>");
        }
        foreach (var tick in layout.XTicks)
        {
            var x = ChartBox.Svg(tick.At);
            svg.Append($"<g class=\"cb-tick-mark\"><line x1=\"{x}\" y1=\"{ChartBox.Svg(box.PlotBottom)}\" x2=\"{x}\" y2=\"{ChartBox.Svg(box.PlotBottom + 4)}\" stroke=\"#374151\"/>");
            svg.Append($"<text class=\"cb-tick cb-x-tick\" x=\"{x}\" y=\"{ChartBox.Svg(box.PlotBottom + 16)}\" text-anchor=\"middle\" font-size=\"11\" {Font}>{Encode(tick.Label)}</text></g>");
        }
        AxisTitles(svg, box, layout.Options.XLabel, layout.Options.YLabel, box.PlotBottom + 32);
        foreach (var line in layout.Lines)
        {
            svg.Append($"<g class=\"cb-series\" data-series=\"{Encode(line.Name)}\" data-points=\"{line.PointsShown}\">");
            if (line.SmoothedPath is { } smooth)
            {
                // The raw line stays, faint, behind the smoothed one: smoothing must not hide what was measured.
                svg.Append($"<path class=\"cb-line-raw\" d=\"{line.Path}\" fill=\"none\" stroke=\"{line.Color}\" stroke-opacity=\"0.25\" stroke-width=\"1.5\"/>");
                svg.Append($"<path class=\"cb-line cb-line-smoothed\" d=\"{smooth}\" fill=\"none\" stroke=\"{line.Color}\" stroke-width=\"2\"/>");
            }
            else
            {
                svg.Append($"<path class=\"cb-line\" d=\"{line.Path}\" fill=\"none\" stroke=\"{line.Color}\" stroke-width=\"2\"/>");
            }
            foreach (var m in line.Markers)
                svg.Append($"<circle cx=\"{ChartBox.Svg(m.X)}\" cy=\"{ChartBox.Svg(m.Y)}\" r=\"3\" fill=\"{line.Color}\"/>");
            svg.Append("</g>");
        }
        Legend(svg, box, layout.Lines.Select(l => (l.Name, l.Color)).ToList());
        return svg.Append("</svg>").ToString();
    }

    public static string Bars(BarChartLayout layout, string title)
    {
        var box = layout.Box;
        var svg = Open(box, title, "cb-bar-chart");
        Frame(svg, box);
        foreach (var tick in layout.YTicks)
        {
            var y = ChartBox.Svg(tick.At);
            svg.Append($"<g class=\"cb-tick-mark\"><line x1=\"{ChartBox.Svg(box.PlotLeft)}\" y1=\"{y}\" x2=\"{ChartBox.Svg(box.PlotRight)}\" y2=\"{y}\" stroke=\"#f3f4f6\"/>");
            svg.Append($"<text class=\"cb-tick cb-y-tick\" x=\"{ChartBox.Svg(box.PlotLeft - 6)}\" y=\"{ChartBox.Svg(tick.At + 4)}\" text-anchor=\"end\" font-size=\"11\" {Font}>{Encode(tick.Label)}</text></g>");
        }
        foreach (var bar in layout.Bars)
        {
            var x = ChartBox.Svg(bar.X);
            svg.Append($"<g class=\"cb-bar\" data-label=\"{Encode(bar.Label)}\">");
            if (bar.Value is { } value)
            {
                svg.Append($"<rect x=\"{ChartBox.Svg(bar.X - bar.Width / 2)}\" y=\"{ChartBox.Svg(bar.Top)}\" width=\"{ChartBox.Svg(bar.Width)}\" height=\"{ChartBox.Svg(Math.Max(0, bar.Bottom - bar.Top))}\" fill=\"{bar.Color}\" fill-opacity=\"0.85\"><title>{Encode(bar.Label)}: {Encode(LineChartLayout.Format(value))}</title></rect>");
            }
            if (bar.Whisker is { } w)
            {
                var (x1, x2) = (ChartBox.Svg(bar.X - bar.Width / 6), ChartBox.Svg(bar.X + bar.Width / 6));
                svg.Append($"<g class=\"cb-error-bar\" stroke=\"#111827\" stroke-width=\"1.5\"><line x1=\"{x}\" y1=\"{ChartBox.Svg(w.Low)}\" x2=\"{x}\" y2=\"{ChartBox.Svg(w.High)}\"/>");
                svg.Append($"<line x1=\"{x1}\" y1=\"{ChartBox.Svg(w.Low)}\" x2=\"{x2}\" y2=\"{ChartBox.Svg(w.Low)}\"/><line x1=\"{x1}\" y1=\"{ChartBox.Svg(w.High)}\" x2=\"{x2}\" y2=\"{ChartBox.Svg(w.High)}\"/></g>");
            }
            if (bar.MarkerY is { } my)
                svg.Append($"<path class=\"cb-bar-marker\" d=\"M{ChartBox.Svg(bar.X - 5)} {ChartBox.Svg(my)} L{ChartBox.Svg(bar.X)} {ChartBox.Svg(my - 5)} L{ChartBox.Svg(bar.X + 5)} {ChartBox.Svg(my)} L{ChartBox.Svg(bar.X)} {ChartBox.Svg(my + 5)} Z\" fill=\"#dc2626\"/>");
            // Long names (architectures) are turned so neighbours do not overlap.
            svg.Append($"<text class=\"cb-bar-label\" transform=\"translate({x} {ChartBox.Svg(box.PlotBottom + 12)}) rotate(-30)\" text-anchor=\"end\" font-size=\"11\" {Font}>{Encode(bar.Label)}</text>");
            svg.Append("</g>");
        }
        AxisTitles(svg, box, "", layout.YLabel, box.PlotBottom + 32);
        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Open(ChartBox box, string title, string kind) =>
        new StringBuilder()
            .Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cb-svg {kind}\" viewBox=\"0 0 {ChartBox.Svg(box.Width)} {ChartBox.Svg(box.Height)}\" ")
            .Append($"width=\"{ChartBox.Svg(box.Width)}\" height=\"{ChartBox.Svg(box.Height)}\" role=\"img\" aria-label=\"{Encode(title)}\">")
            .Append($"<title>{Encode(title)}</title>");

    private static void Frame(StringBuilder svg, ChartBox box) =>
        svg.Append($"<rect x=\"{ChartBox.Svg(box.PlotLeft)}\" y=\"{ChartBox.Svg(box.PlotTop)}\" width=\"{ChartBox.Svg(box.PlotWidth)}\" height=\"{ChartBox.Svg(box.PlotHeight)}\" fill=\"none\" stroke=\"#d1d5db\"/>");

    private static void AxisTitles(StringBuilder svg, ChartBox box, string xLabel, string yLabel, double xLabelY)
    {
        if (xLabel.Length > 0)
            svg.Append($"<text class=\"cb-axis-title\" x=\"{ChartBox.Svg(box.PlotLeft + box.PlotWidth / 2)}\" y=\"{ChartBox.Svg(xLabelY)}\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\" {Font}>{Encode(xLabel)}</text>");
        if (yLabel.Length > 0)
            svg.Append($"<text class=\"cb-axis-title\" transform=\"translate(14 {ChartBox.Svg(box.PlotTop + box.PlotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\" {Font}>{Encode(yLabel)}</text>");
    }

    private static void Legend(StringBuilder svg, ChartBox box, IReadOnlyList<(string Name, string Color)> entries)
    {
        var x = box.PlotLeft;
        var y = box.Height - 10;
        svg.Append("<g class=\"cb-legend\">");
        foreach (var (name, color) in entries)
        {
            var shown = name.Length > 40 ? name[..39] + "…" : name;
            svg.Append($"<rect x=\"{ChartBox.Svg(x)}\" y=\"{ChartBox.Svg(y - 9)}\" width=\"10\" height=\"10\" fill=\"{color}\"/>");
            svg.Append($"<text x=\"{ChartBox.Svg(x + 14)}\" y=\"{ChartBox.Svg(y)}\" font-size=\"11\" {Font}>{Encode(shown)}</text>");
            x += 24 + shown.Length * 6.2;
            if (x > box.Width - 60) break;
        }
        svg.Append("</g>");
    }

    public static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
