using CaptionBoundaries.Application.Features.Mlflow;
using CaptionBoundaries.Host.Server.Security;
using Mediator;
using Microsoft.Net.Http.Headers;

namespace CaptionBoundaries.Host.Api.Mlflow;

/// <summary>
/// MLflow's artifacts proxy (mlflow-artifacts): what a run's artifact_uri ("mlflow-artifacts:/&lt;experiment&gt;/&lt;run&gt;/artifacts")
/// resolves to. Uploads are raw bodies up to Security:MaxUploadMegabytes, staged on disk, stored once by content.
/// </summary>
public static class MlflowArtifactEndpoints
{
    public static void MapMlflowArtifacts(this RouteGroupBuilder proxy)
    {
        proxy.MapPut("/artifacts/{**path}", async (string path, HttpRequest request, SecurityOptions limits, IMediator m, CancellationToken ct) =>
        {
            await m.Send(new UploadProxiedArtifactCommand(path, request.Body, limits.MaxUploadMegabytes * 1024L * 1024L), ct);
            return MlflowJson.Empty();
        }).AcceptsUploads().DisableAntiforgery();

        proxy.MapGet("/artifacts/{**path}", async (string path, HttpResponse response, IMediator m, CancellationToken ct) =>
        {
            var download = await m.Send(new DownloadProxiedArtifactQuery(path), ct);
            // Never rendered by a browser: an uploaded HTML file must not run as this site's page.
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.ContentSecurityPolicy = "sandbox";
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(download.FileName);
            response.Headers.ContentDisposition = disposition.ToString();
            response.Headers.ETag = $"\"{download.Sha256}\"";
            return TypedResults.Stream(download.Content, "application/octet-stream");
        });

        proxy.MapGet("/artifacts", async (string? path, IMediator m, CancellationToken ct) =>
            MlflowJson.Ok(new { files = await m.Send(new ListProxiedArtifactsQuery(path), ct) }));
    }
}
