using CaptionBoundaries.Host.Server.Security;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// The files the console offers as links (run artifacts, reports). /api takes API tokens only, so a browser link could
/// not reach it; these routes take the console's session cookie instead and send the same requests through the same
/// pipeline (roles, visibility, rate limits). GET only: a link can read, never change anything.
/// </summary>
public static class ConsoleDownloadEndpoints
{
    public const string Prefix = "/downloads";

    public static void MapConsoleDownloads(this IEndpointRouteBuilder app)
    {
        var downloads = app.MapGroup(Prefix).RequireAuthorization().RequireRateLimiting(SecuritySetup.RateLimitPolicy)
            .ExcludeFromDescription();
        downloads.MapGet("/experiments/{id:guid}/artifacts/{**path}", RunRecordEndpoints.DownloadArtifact);
        downloads.MapGet("/experiments/compare/report", ReportEndpoints.CompareReport);
        downloads.MapGet("/experiments/{id}/report", ReportEndpoints.RunReport);
        downloads.MapGet("/architectures/report", ReportEndpoints.ArchitecturesReport);
        downloads.MapGet("/models/performance/{model}/report", ReportEndpoints.BenchmarkReport);
    }
}
