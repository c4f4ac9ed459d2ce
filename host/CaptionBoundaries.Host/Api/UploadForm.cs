using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CaptionBoundaries.Host.Api;

/// <summary>
/// The multipart form of an upload endpoint (plugins, checkpoints): its "file" field, read with the upload limit rather
/// than the form reader's default 128 MB, or the 400 that says what the form lacks.
/// </summary>
public sealed record UploadForm(IFormCollection Form, IFormFile File)
{
    public static async Task<(UploadForm? Upload, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (!request.HasFormContentType) return (null, TypedResults.Problem(title: "Send multipart/form-data with a 'file' field.", statusCode: 400));
        request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = maxBytes }));
        var form = await request.ReadFormAsync(ct);
        return form.Files.GetFile("file") is { } file
            ? (new UploadForm(form, file), null)
            : (null, TypedResults.Problem(title: "The form has no 'file' field.", statusCode: 400));
    }
}
