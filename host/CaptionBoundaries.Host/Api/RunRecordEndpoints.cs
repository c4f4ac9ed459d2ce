using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Host.Server.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// What any run carries beyond its epochs: files (artifacts), tags and a note. Reads follow the run's visibility
/// (another account's private run is 404); changes are its owner's or an admin's.
/// </summary>
public static class RunRecordEndpoints
{
    public sealed record TagValueRequest(string? Value);

    public sealed record NoteRequest(string? Note);

    public static void MapRunRecordEndpoints(this RouteGroupBuilder experiments)
    {
        experiments.MapGet("/{id:guid}/artifacts", async (Guid id, string? path, bool? recursive, IMediator m, CancellationToken ct) =>
                await m.Send(new ListRunArtifactsQuery(id, path, recursive ?? false), ct))
            .WithSummary("The run's files in a folder (path; the root when absent), like MLflow's artifacts/list; recursive=true lists every file under it.")
            .ProducesProblems(Status400BadRequest, Status404NotFound);

        experiments.MapGet("/{id:guid}/artifacts/{**path}", DownloadArtifact)
            .WithSummary("Download one of the run's files (always as an attachment, never shown inline).")
            .ProducesProblems(Status400BadRequest, Status404NotFound, Status422UnprocessableEntity);

        experiments.MapMethods("/{id:guid}/artifacts/{**path}", [HttpMethods.Put, HttpMethods.Post],
                async Task<Results<Created<RunArtifactView>, ProblemHttpResult>> (Guid id, string? path, HttpRequest request, SecurityOptions limits, IMediator m, CancellationToken ct) =>
                {
                    var maxBytes = limits.MaxUploadMegabytes * 1024L * 1024L;
                    var target = ArtifactRoute.PathOf(path);
                    if (!request.HasFormContentType) return Created(await m.Send(new UploadRunArtifactCommand(id, target, request.Body, maxBytes), ct));
                    var (upload, problem) = await UploadForm.ReadAsync(request, maxBytes, ct);
                    if (upload?.File is not { } file) return problem!;
                    // A path ending in '/' names a folder: the file keeps its own name inside it.
                    if (target.EndsWith('/') || target.EndsWith('\\')) target += file.FileName;
                    await using var content = file.OpenReadStream();
                    return Created(await m.Send(new UploadRunArtifactCommand(id, target, content, maxBytes), ct));
                })
            .RequireAuthorization(p => p.RequireRole(Roles.Researcher, Roles.Admin))
            .AcceptsUploads()
            .DisableAntiforgery()
            .WithSummary("Attach a file to the run under a path (the raw body, or multipart field 'file'); the same path again replaces it. " +
                "The run's owner or an admin; up to Security:MaxUploadMegabytes.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound, Status413PayloadTooLarge);

        experiments.MapGet("/{id:guid}/tags", async (Guid id, IMediator m, CancellationToken ct) => await m.Send(new ListRunTagsQuery(id), ct))
            .WithSummary("The run's tags.")
            .ProducesProblems(Status404NotFound);

        experiments.MapPut("/{id:guid}/tags/{**key}", async (Guid id, string key, TagValueRequest body, IMediator m, CancellationToken ct) =>
                await m.Send(new SetRunTagCommand(id, ArtifactRoute.Unescape(key), body.Value!), ct))
            .WithSummary("Set a tag ({\"value\": …}) on the run: its owner or an admin. Answers the run's tags.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);

        experiments.MapDelete("/{id:guid}/tags/{**key}", async (Guid id, string key, IMediator m, CancellationToken ct) =>
                await m.Send(new DeleteRunTagCommand(id, ArtifactRoute.Unescape(key)), ct))
            .WithSummary("Remove a tag from the run: its owner or an admin. Answers the run's tags.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);

        experiments.MapPut("/{id:guid}/note", async (Guid id, NoteRequest body, IMediator m, CancellationToken ct) =>
                await m.Send(new SetRunNoteCommand(id, body.Note!), ct))
            .WithSummary("Replace the run's free-text note ({\"note\": …}; empty clears it): its owner or an admin.")
            .ProducesProblems(Status400BadRequest, Status403Forbidden, Status404NotFound);
    }

    private static Created<RunArtifactView> Created(RunArtifactView artifact) =>
        TypedResults.Created($"artifacts/{string.Join('/', artifact.Path.Split('/').Select(Uri.EscapeDataString))}", artifact);

    /// <summary>Streams an artifact as an attachment; also mapped for the console (<see cref="ConsoleDownloadEndpoints"/>).</summary>
    public static async Task<IResult> DownloadArtifact(Guid id, string? path, HttpContext http, IMediator m, CancellationToken ct)
    {
        var file = await m.Send(new OpenRunArtifactQuery(id, ArtifactRoute.PathOf(path)), ct);
        Downloads.Protect(http.Response);
        return TypedResults.Stream(file.Content, "application/octet-stream", file.FileName);
    }
}

/// <summary>A path or key taken from the URL: the server decodes every escape but "%2F" (and "%5C"), so those are decoded here.</summary>
public static class ArtifactRoute
{
    public static string PathOf(string? raw) => Unescape(raw ?? "");

    public static string Unescape(string raw) =>
        raw.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase).Replace("%5C", "\\", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Headers on every file the server hands out: a user's bytes are never sniffed as, or run as, a page of ours.</summary>
public static class Downloads
{
    public static void Protect(HttpResponse response)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
    }
}
