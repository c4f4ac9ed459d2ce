using CaptionBoundaries.Domain.Plugins;

namespace CaptionBoundaries.Domain.Common;

/// <summary>
/// Writes an uploaded body to a new file under <c>&lt;data&gt;/uploads</c>, never more than a limit: a sender that
/// keeps streaming is cut off with <see cref="UploadTooLargeException"/> and the partial file is removed.
/// </summary>
public static class UploadStaging
{
    public static async Task<string> StageAsync(CaptionBoundariesOptions options, Stream content, long maxBytes, CancellationToken ct)
    {
        var folder = Path.Combine(options.ResolvedDataFolder, "uploads");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.upload");
        try
        {
            await CopyLimitedAsync(content, path, maxBytes, ct);
            return path;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Copies an upload to a file, refusing it (<see cref="UploadTooLargeException"/>) once it passes the limit.</summary>
    public static async Task CopyLimitedAsync(Stream content, string path, long maxBytes, CancellationToken ct)
    {
        await using var file = File.Create(path);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > maxBytes) throw new UploadTooLargeException($"The upload is larger than the {maxBytes / (1024 * 1024)} MB allowed (Security:MaxUploadMegabytes).");
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
    }
}
