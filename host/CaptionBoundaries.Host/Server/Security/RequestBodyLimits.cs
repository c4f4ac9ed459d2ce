using CaptionBoundaries.Domain.Common;
using Microsoft.AspNetCore.Http.Features;

namespace CaptionBoundaries.Host.Server.Security;

/// <summary>
/// Per-endpoint body limits: every request body is capped at <see cref="LimitsOptions.MaxJsonBodyKilobytes"/>
/// (JSON and forms are small); endpoints marked with <see cref="AcceptsUploads"/> (plugin and checkpoint uploads) take up to
/// <see cref="SecurityOptions.MaxUploadMegabytes"/>, prediction endpoints (<see cref="AcceptsPredictionBodies"/>) up to
/// <see cref="LimitsOptions.MaxPredictBodyMegabytes"/>. Before, every endpoint took 512 MB.
/// A declared Content-Length over the limit is refused before anything is read; a chunked body is cut off where it
/// passes the limit (Kestrel's own limit where the server has one, and a counting stream everywhere).
/// </summary>
public static class RequestBodyLimits
{
    private sealed class UploadMarker;

    private sealed class PredictionMarker;

    public static TBuilder AcceptsUploads<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new UploadMarker());

    /// <summary>Prediction requests carry images: up to <see cref="LimitsOptions.MaxPredictBodyMegabytes"/>.</summary>
    public static TBuilder AcceptsPredictionBodies<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PredictionMarker());

    public static void UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var metadata = http.GetEndpoint()?.Metadata;
        var (max, setting) = metadata?.GetMetadata<UploadMarker>() is not null
            ? (http.RequestServices.GetRequiredService<SecurityOptions>().MaxUploadMegabytes * 1024L * 1024L, "Security:MaxUploadMegabytes")
            : metadata?.GetMetadata<PredictionMarker>() is not null
                ? (http.RequestServices.GetRequiredService<LimitsOptions>().MaxPredictBodyMegabytes * 1024L * 1024L, "Limits:MaxPredictBodyMegabytes")
                : (http.RequestServices.GetRequiredService<LimitsOptions>().MaxJsonBodyKilobytes * 1024L, "Limits:MaxJsonBodyKilobytes");
        if (http.Request.ContentLength > max)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            if (Api.Mlflow.MlflowJson.IsMlflowPath(http.Request.Path))
            {
                await http.Response.WriteAsJsonAsync(new Api.Mlflow.MlflowErrors.Body("RESOURCE_LIMIT_EXCEEDED", TooLarge(max, setting)), Api.Mlflow.MlflowJson.Options);
                return;
            }
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = 413, Title = "The request body is too large.", Detail = TooLarge(max, setting) },
            });
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel) kestrel.MaxRequestBodySize = max;
        http.Request.Body = new BoundedRequestBody(http.Request.Body, max, TooLarge(max, setting));
        await next(http);
    });

    private static string TooLarge(long max, string setting) =>
        $"The body is larger than the {max:N0} bytes this endpoint takes ({setting}).";
}
