using CaptionBoundaries.Application.Features.Architectures;
using CaptionBoundaries.Application.Features.Reports;
using Mediator;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// Exports of a run, a comparison, the architectures and a model's benchmarks as csv (the main table), json (everything)
/// or html (a self-contained page with its charts): always an attachment with a safe file name. Mapped under /api for
/// tokens and under /downloads for the console's signed-in session (<see cref="ConsoleDownloadEndpoints"/>).
/// </summary>
public static class ReportEndpoints
{
    private const string FormatHelp = "format=csv|json|html (html when absent)";

    public static void MapReportEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/experiments/compare/report", CompareReport).WithTags("Reports")
            .WithSummary($"Two or more runs (ids=a,b; native or logged through MLflow) compared, as a report; {FormatHelp}.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);
        api.MapGet("/experiments/{id}/report", RunReport).WithTags("Reports")
            .WithSummary($"One run (id or unambiguous prefix) as a report; {FormatHelp}.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);
        api.MapGet("/architectures/results", async (IMediator m, CancellationToken ct) => await m.Send(new CompareArchitecturesQuery(), ct))
            .WithTags("Reports")
            .WithSummary("Per architecture: runs, and the mean, standard deviation and best of the completed runs' best val macro-F1, with trainable parameters.");
        api.MapGet("/architectures/report", ArchitecturesReport).WithTags("Reports")
            .WithSummary($"The architectures comparison as a report; {FormatHelp}.")
            .ProducesProblems(Status400BadRequest);
        api.MapGet("/models/performance/{model}/report", BenchmarkReport).WithTags("Reports")
            .WithSummary($"A served model's benchmark runs as a report; {FormatHelp}.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);
    }

    public static async Task<IResult> RunReport(string id, string? format, HttpContext http, IMediator m, CancellationToken ct) =>
        File(http, await m.Send(new ExportRunReportQuery(id, format ?? ReportFormat.Html), ct));

    public static async Task<IResult> CompareReport(string? ids, string? format, HttpContext http, IMediator m, CancellationToken ct) =>
        File(http, await m.Send(new ExportComparisonReportQuery(
            (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), format ?? ReportFormat.Html), ct));

    public static async Task<IResult> ArchitecturesReport(string? format, HttpContext http, IMediator m, CancellationToken ct) =>
        File(http, await m.Send(new ExportArchitecturesReportQuery(format ?? ReportFormat.Html), ct));

    public static async Task<IResult> BenchmarkReport(string model, string? format, HttpContext http, IMediator m, CancellationToken ct) =>
        File(http, await m.Send(new ExportBenchmarkReportQuery(model, format ?? ReportFormat.Html), ct));

    private static IResult File(HttpContext http, ReportFile report)
    {
        Downloads.Protect(http.Response);
        return TypedResults.File(report.Content, report.ContentType, report.FileName);
    }
}
