using System.Security.Cryptography;
using System.Text;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Host.Server;
using CaptionBoundaries.Host.Server.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Serving;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// <c>GET /metrics</c>: the serving metrics in Prometheus' text format. The series name every served model and version,
/// private ones too, so only an admin's API token or the configured scrape token (<c>Metrics:ScrapeToken</c>, compared
/// in constant time) may read them; anyone else gets 401 (no or bad credentials) or 403 (an account that is not an admin).
/// Outside <c>/api</c>: no per-account rate limit (Prometheus scrapes every few seconds) and the path Prometheus expects.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>Prometheus' text exposition format 0.0.4, what every Prometheus version scrapes.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static IEndpointConventionBuilder MapServingMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, async (HttpContext http, ServingMetrics metrics, MetricsOptions options) =>
        {
            if (!HoldsScrapeToken(http.Request, options.ScrapeToken))
            {
                // The scrape token is not an account; anything else must be an admin's API token (or console session).
                if (http.User.Identity?.IsAuthenticated != true)
                    return Refuse(http, StatusCodes.Status401Unauthorized, "Authentication required.",
                        "Send the scrape token (Metrics:ScrapeToken) or an admin's API token: Authorization: Bearer ….");
                if (!http.User.IsInRole(Roles.Admin))
                    return Refuse(http, StatusCodes.Status403Forbidden, "Not allowed.", "Metrics are for admins and the configured scraper.");
            }
            http.Response.ContentType = ContentType;
            await metrics.Registry.CollectAndExportAsTextAsync(http.Response.Body, http.RequestAborted);
            return Results.Empty;
        })
        .AllowAnonymous()
        .ExcludeFromDescription();

    /// <summary>Constant time over equal-length digests, so neither the token nor its length leaks through timing.</summary>
    public static bool HoldsScrapeToken(HttpRequest request, string? configured)
    {
        if (string.IsNullOrEmpty(configured)) return false;
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        var sent = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        return CryptographicOperations.FixedTimeEquals(sent, expected);
    }

    private static IResult Refuse(HttpContext http, int status, string title, string detail)
    {
        if (status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(title: title, detail: detail, statusCode: status);
    }
}
