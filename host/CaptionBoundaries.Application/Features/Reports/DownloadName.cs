using System.Text;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>
/// A file name offered on download, made safe for any browser and file system: letters, digits, '.', '-' and '_' are
/// kept, anything else (quotes, separators, spaces, non-ASCII) becomes '_'; no leading dot; at most 120 characters.
/// The name comes from users (artifact paths, run names), so it is never trusted as it is.
/// </summary>
public static class DownloadName
{
    public const int MaxLength = 120;

    public static string Safe(string? name, string fallback)
    {
        var builder = new StringBuilder();
        foreach (var c in name ?? "")
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        var safe = builder.ToString().TrimStart('.', '_');
        if (safe.Length > MaxLength)
        {
            // Keep the extension, which says what the file is.
            var extension = Path.GetExtension(safe);
            extension = extension.Length is > 1 and <= 16 ? extension : "";
            safe = safe[..(MaxLength - extension.Length)] + extension;
        }
        return safe.Trim('_').Length == 0 ? fallback : safe;
    }
}
