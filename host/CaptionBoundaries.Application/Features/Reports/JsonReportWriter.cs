using System.Text.Json;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>
/// The whole report as JSON: kind, title, generated_at_utc, facts, tables (columns and rows of cells: numbers as
/// numbers, texts as strings, empty as null) and charts with their series. A non-finite number (a NaN a client
/// logged) is null, as JSON has no NaN. Compact (not indented): a long run is millions of cells.
/// </summary>
public static class JsonReportWriter
{
    public static byte[] Write(Report report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("kind", report.Kind);
            json.WriteString("title", report.Title);
            json.WriteString("generated_at_utc", report.GeneratedAtUtc);
            json.WriteStartArray("facts");
            foreach (var fact in report.Facts)
            {
                json.WriteStartObject();
                json.WriteString("label", fact.Label);
                json.WriteString("value", fact.Value);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("tables");
            foreach (var table in report.Tables) Table(json, table);
            json.WriteEndArray();
            json.WriteStartArray("charts");
            foreach (var chart in report.Charts) Chart(json, chart);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Table(Utf8JsonWriter json, ReportTable table)
    {
        json.WriteStartObject();
        json.WriteString("id", table.Id);
        json.WriteString("title", table.Title);
        json.WriteStartArray("columns");
        foreach (var column in table.Columns) json.WriteStringValue(column);
        json.WriteEndArray();
        json.WriteStartArray("rows");
        foreach (var row in table.Rows)
        {
            json.WriteStartArray();
            for (var i = 0; i < table.Columns.Count; i++) Cell(json, i < row.Count ? row[i] : ReportCell.Empty);
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Cell(Utf8JsonWriter json, ReportCell cell)
    {
        if (cell.Number is { } n) Number(json, n);
        else if (cell.Text is { } text) json.WriteStringValue(text);
        else json.WriteNullValue();
    }

    private static void Number(Utf8JsonWriter json, double n)
    {
        if (double.IsFinite(n)) json.WriteNumberValue(n);
        else json.WriteNullValue();
    }

    private static void Chart(Utf8JsonWriter json, ReportChart chart)
    {
        json.WriteStartObject();
        json.WriteString("id", chart.Id);
        json.WriteString("title", chart.Title);
        switch (chart)
        {
            case ReportLineChart line:
                json.WriteString("type", "line");
                json.WriteString("x_label", line.XLabel);
                json.WriteString("y_label", line.YLabel);
                json.WriteStartArray("series");
                foreach (var series in line.Series)
                {
                    json.WriteStartObject();
                    json.WriteString("name", series.Name);
                    json.WriteStartArray("points");
                    foreach (var p in series.Points)
                    {
                        json.WriteStartArray();
                        Number(json, p.X);
                        Number(json, p.Y);
                        json.WriteEndArray();
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                break;
            case ReportBarChart bars:
                json.WriteString("type", "bar");
                json.WriteString("y_label", bars.YLabel);
                json.WriteStartArray("bars");
                foreach (var bar in bars.Bars)
                {
                    json.WriteStartObject();
                    json.WriteString("label", bar.Label);
                    json.WritePropertyName("value");
                    if (bar.Value is { } v) Number(json, v); else json.WriteNullValue();
                    json.WritePropertyName("error");
                    if (bar.Error is { } e) Number(json, e); else json.WriteNullValue();
                    json.WritePropertyName("marker");
                    if (bar.Marker is { } m) Number(json, m); else json.WriteNullValue();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                break;
        }
        json.WriteEndObject();
    }
}
