using FluentValidation;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>An export as it is handed out: its bytes, their content type and a safe file name.</summary>
public sealed record ReportFile(string FileName, string ContentType, byte[] Content);

/// <summary>The export formats: csv (the main table), json (everything) and html (a self-contained page with charts).</summary>
public static class ReportFormat
{
    public const string Csv = "csv";
    public const string Json = "json";
    public const string Html = "html";

    public static readonly IReadOnlyList<string> Names = [Csv, Json, Html];

    public static bool IsKnown(string? format) => format is not null && Names.Contains(format.ToLowerInvariant());

    public static ReportFile Write(Report report, string format) => format.ToLowerInvariant() switch
    {
        Csv => new ReportFile(FileName(report, Csv), "text/csv; charset=utf-8", CsvReportWriter.Write(report)),
        Json => new ReportFile(FileName(report, Json), "application/json; charset=utf-8", JsonReportWriter.Write(report)),
        Html => new ReportFile(FileName(report, Html), "text/html; charset=utf-8", HtmlReportWriter.Write(report)),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Validated before: csv, json or html."),
    };

    private static string FileName(Report report, string extension) =>
        DownloadName.Safe(report.FileStem, "report") is var stem && stem.Length > DownloadName.MaxLength - 5
            ? stem[..(DownloadName.MaxLength - 5)] + "." + extension
            : stem + "." + extension;

    public static IRuleBuilderOptions<T, string> MustBeReportFormat<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(IsKnown).WithMessage((_, f) => $"Format '{f}' is not one of: {string.Join(", ", Names)}.").OverridePropertyName("format");
}
