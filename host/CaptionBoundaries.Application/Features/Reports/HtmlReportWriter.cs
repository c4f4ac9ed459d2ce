using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using CaptionBoundaries.Application.Charts;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>
/// The report as one self-contained HTML page: its facts, charts (inline SVG, drawn like the console's) and tables,
/// with an inline stylesheet and nothing else: no script, no external style, font or image, and a Content-Security-Policy
/// that forbids loading any. Every text is HTML-encoded (run names, tags and notes come from users). Tables longer than
/// <see cref="MaxRows"/> show their head and say so; the CSV and JSON exports have every row.
/// </summary>
public static class HtmlReportWriter
{
    public const int MaxRows = 2_000;

    /// <summary>Points per series drawn; a longer series is thinned evenly (its last point kept) so the page stays small.</summary>
    public const int MaxChartPoints = 2_000;

    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2rem; color: #111827; }
        h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #e5e7eb; }
        .meta { color: #6b7280; }
        dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
        dt { font-weight: 600; } dd { margin: 0; white-space: pre-wrap; }
        table { border-collapse: collapse; font-size: 0.9rem; }
        th, td { border: 1px solid #e5e7eb; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
        """;

    public static byte[] Write(Report report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append($"<title>{E(report.Title)}</title><style>{Style}</style></head><body>");
        html.Append($"<h1>{E(report.Title)}</h1>");
        html.Append($"<p class=\"meta\">{E(report.Kind)} report generated {E(report.GeneratedAtUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))} UTC by CaptionBoundaries.</p>");
        if (report.Facts.Count > 0)
        {
            html.Append("<dl class=\"facts\">");
            foreach (var fact in report.Facts) html.Append($"<dt>{E(fact.Label)}</dt><dd>{E(fact.Value)}</dd>");
            html.Append("</dl>");
        }
        if (report.Charts.Count > 0)
        {
            html.Append("<h2>Charts</h2>");
            foreach (var chart in report.Charts)
                html.Append($"<figure id=\"chart-{E(chart.Id)}\">").Append(Svg(chart)).Append("</figure>");
        }
        foreach (var table in report.Tables) Table(html, table);
        html.Append("</body></html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    private static string Svg(ReportChart chart) => chart switch
    {
        ReportLineChart line => SvgCharts.Line(LineChartLayout.Compute(
            line.Series.Select(s => s with { Points = Thin(s.Points) }).ToList(),
            new LineChartOptions { XLabel = line.XLabel, YLabel = line.YLabel, IntegerX = line.IntegerX }), line.Title),
        ReportBarChart bars => SvgCharts.Bars(BarChartLayout.Compute(bars.Bars, bars.YLabel), bars.Title),
        _ => "",
    };

    private static IReadOnlyList<LinePoint> Thin(IReadOnlyList<LinePoint> points)
    {
        if (points.Count <= MaxChartPoints) return points;
        var stride = (int)Math.Ceiling(points.Count / (double)MaxChartPoints);
        return points.Where((_, i) => i % stride == 0 || i == points.Count - 1).ToList();
    }

    private static void Table(StringBuilder html, ReportTable table)
    {
        html.Append($"<h2 id=\"table-{E(table.Id)}\">{E(table.Title)}</h2>");
        var total = table.TotalRows ?? table.Rows.Count;
        if (table.Rows.Count == 0)
        {
            html.Append("<p class=\"meta\">None.</p>");
            return;
        }
        if (total > MaxRows || table.Rows.Count > MaxRows)
            html.Append($"<p class=\"meta\">The first {MaxRows:N0} of {total:N0} rows; the CSV and JSON exports have them all.</p>");
        html.Append($"<table data-table=\"{E(table.Id)}\"><thead><tr>");
        foreach (var column in table.Columns) html.Append($"<th>{E(column)}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in table.Rows.Take(MaxRows))
        {
            html.Append("<tr>");
            for (var i = 0; i < table.Columns.Count; i++)
            {
                var cell = i < row.Count ? row[i] : ReportCell.Empty;
                html.Append(cell.Number is null ? "<td>" : "<td class=\"num\">").Append(E(cell.Display)).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
    }

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
