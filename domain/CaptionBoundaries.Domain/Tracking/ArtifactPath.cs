using CaptionBoundaries.Domain.Errors;

namespace CaptionBoundaries.Domain.Tracking;

/// <summary>
/// The name of a file attached to a run: relative, '/'-separated, printable, with no empty, '.' or '..' segment. It is
/// only ever a key in the tracking database (the bytes live in the blob store under their hash), but it comes from
/// clients and is shown, listed and turned into download names, so it is checked like a path.
/// </summary>
public static class ArtifactPath
{
    public const int MaxLength = 1000;

    /// <summary>The path in its one stored form (backslashes and repeated or surrounding slashes removed), or a refusal naming <paramref name="field"/>.</summary>
    public static string Normalize(string? path, string field = "path")
    {
        if (string.IsNullOrWhiteSpace(path)) throw DomainException.Invalid("An artifact path is required.", field);
        var trimmed = path.Replace('\\', '/').Trim('/');
        if (trimmed.Length == 0) throw DomainException.Invalid("An artifact path is required.", field);
        if (trimmed.Length > MaxLength) throw DomainException.Invalid($"The artifact path is longer than {MaxLength} characters.", field);
        if (trimmed.Any(char.IsControl)) throw DomainException.Invalid("The artifact path holds control characters.", field);
        var segments = trimmed.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".." || s.Trim().Length == 0))
            throw DomainException.Invalid($"The artifact path '{path}' has a '.' , '..' or blank segment; give a path relative to the run.", field);
        return string.Join('/', segments);
    }

    /// <summary>A folder to list under: empty for the root, otherwise normalised like a file path.</summary>
    public static string NormalizeFolder(string? folder, string field = "path") =>
        string.IsNullOrEmpty(folder) || folder.Trim('/', '\\').Length == 0 ? "" : Normalize(folder, field);

    /// <summary>The file name to offer on download (last segment).</summary>
    public static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];
}
