namespace CaptionBoundaries.Domain.Security.Paths;

/// <summary>
/// An absolute path with every symbolic link resolved, component by component (what realpath(3) gives): checking
/// that a path lies under a folder means nothing until links inside it have been followed.
/// </summary>
public static class CanonicalPath
{
    private const int MaxLinks = 40;

    public static string Of(string path)
    {
        var remaining = new List<string>(Path.GetFullPath(path).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        var current = Path.GetPathRoot(Path.GetFullPath(path)) ?? "/";
        var links = 0;
        while (remaining.Count > 0)
        {
            var part = remaining[0];
            remaining.RemoveAt(0);
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) throw new IOException($"Too many symbolic links in '{path}'.");
            // A relative target is relative to the link's folder; restart from the target's root and walk its parts first.
            var resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
            remaining.InsertRange(0, resolved.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
            current = Path.IsPathRooted(target) ? Path.GetPathRoot(target) ?? "/" : "/";
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or inside it (both canonical).</summary>
    public static bool IsUnder(string path, string folder)
    {
        var withSeparator = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path == folder || path.StartsWith(withSeparator, StringComparison.Ordinal);
    }
}
