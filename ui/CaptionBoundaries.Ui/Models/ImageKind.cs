namespace CaptionBoundaries.Ui.Models;

/// <summary>
/// PNG or JPEG by the file's first bytes, not its name or the browser's word: what the try-it panel accepts, and the
/// content type it shows the bytes back with.
/// </summary>
public static class ImageKind
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];

    /// <summary>"image/png", "image/jpeg", or null for anything else.</summary>
    public static string? ContentType(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith(Png) ? "image/png" : bytes.StartsWith(Jpeg) ? "image/jpeg" : null;

    public static string DataUrl(byte[] bytes) => $"data:{ContentType(bytes) ?? "application/octet-stream"};base64,{Convert.ToBase64String(bytes)}";
}
