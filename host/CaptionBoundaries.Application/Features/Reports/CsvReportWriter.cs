using System.Globalization;
using System.Text;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>
/// The report's main table as CSV (RFC 4180): a header row, then one line per row; a field holding a comma, a quote or
/// a line break is quoted, quotes doubled. Numbers are written in full ("R", invariant), so they parse back to the same
/// values. A text starting with = + - @ (or a tab or carriage return) gets a leading apostrophe, so a spreadsheet shows
/// it instead of running it as a formula (names and tags come from users); numbers are numbers and keep their sign.
/// </summary>
public static class CsvReportWriter
{
    public static byte[] Write(Report report)
    {
        var csv = new StringBuilder();
        if (report.Tables.Count > 0)
        {
            var table = report.Tables[0];
            Line(csv, table.Columns.Select(c => Text(c)));
            foreach (var row in table.Rows)
                Line(csv, Enumerable.Range(0, table.Columns.Count).Select(i => i < row.Count ? Cell(row[i]) : ""));
        }
        // UTF-8 with a byte order mark: spreadsheets otherwise read non-ASCII names as Latin-1.
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    private static void Line(StringBuilder csv, IEnumerable<string> fields) => csv.Append(string.Join(',', fields)).Append("\r\n");

    public static string Cell(ReportCell cell) => cell.Number is { } n ? Number(n) : Text(cell.Text);

    private static string Number(double n) =>
        double.IsNaN(n) ? "NaN" : double.IsPositiveInfinity(n) ? "Infinity" : double.IsNegativeInfinity(n) ? "-Infinity" : n.ToString("R", CultureInfo.InvariantCulture);

    public static string Text(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }
}
