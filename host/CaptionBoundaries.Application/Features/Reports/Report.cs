using System.Globalization;
using CaptionBoundaries.Application.Charts;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>
/// What an export holds, whatever its format: facts (label and value), tables and charts. The first table is the
/// report's main one, the one a CSV export holds; JSON and HTML hold everything. Built from the same queries the
/// console and the API answer, so a report shows what they show.
/// </summary>
public sealed record Report(
    string Kind,
    string Title,
    DateTime GeneratedAtUtc,
    IReadOnlyList<ReportFact> Facts,
    IReadOnlyList<ReportTable> Tables,
    IReadOnlyList<ReportChart> Charts)
{
    /// <summary>The start of the download's file name (made safe by <see cref="DownloadName"/>).</summary>
    public string FileStem { get; init; } = "report";
}

public sealed record ReportFact(string Label, string Value);

/// <summary>A table: its column names and rows of cells (a row may be shorter than the columns: the rest is empty).</summary>
public sealed record ReportTable(string Id, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<ReportCell>> Rows)
{
    /// <summary>Set when the rows are a head of a longer table (HTML shows at most so many; CSV and JSON have them all).</summary>
    public int? TotalRows { get; init; }
}

/// <summary>A table cell: a number (kept as a number in CSV and JSON, at full precision), a text, or empty.</summary>
public readonly record struct ReportCell(string? Text, double? Number)
{
    public static readonly ReportCell Empty = new(null, null);

    public static ReportCell Of(string? text) => new(text, null);

    public static ReportCell Of(double? number) => new(null, number);

    public static ReportCell Of(long? number) => new(null, number);

    public static ReportCell Of(DateTime? time) => new(time?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), null);

    /// <summary>A text that reads as a number ("0.6123") becomes a number cell, so exports keep it numeric.</summary>
    public static ReportCell Parsed(string? text) =>
        text is not null && text.Length > 0 && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n)
            ? new(null, n)
            : new(text, null);

    public bool IsEmpty => Text is null && Number is null;

    /// <summary>As shown to people (HTML): numbers to 6 significant digits.</summary>
    public string Display => Number is { } n ? LineChartLayout.Format(n) : Text ?? "";
}

/// <summary>A chart of a report: a line chart (x: epochs, steps or versions) or a bar chart.</summary>
public abstract record ReportChart(string Id, string Title);

public sealed record ReportLineChart(string Id, string Title, string XLabel, string YLabel, bool IntegerX, IReadOnlyList<ChartSeries> Series)
    : ReportChart(Id, Title);

public sealed record ReportBarChart(string Id, string Title, string YLabel, IReadOnlyList<BarDatum> Bars) : ReportChart(Id, Title);
