namespace CaptionBoundaries.Domain.Tracking;

/// <summary>One entry of a folder listing of a run's artifacts: a file (with its size and hash) or a folder.</summary>
public sealed record ArtifactEntry(string Path, bool IsDirectory, long? SizeBytes, string? Sha256);

/// <summary>Lists the direct children of a folder among a run's artifact paths, as MLflow's artifacts/list does.</summary>
public static class ArtifactListing
{
    public static IReadOnlyList<ArtifactEntry> ChildrenOf(string folder, IEnumerable<(string Path, long Size, string Sha)> files)
    {
        var prefix = folder.Length == 0 ? "" : folder + "/";
        var entries = new SortedDictionary<string, ArtifactEntry>(StringComparer.Ordinal);
        foreach (var (path, size, sha) in files)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal) || path.Length == prefix.Length) continue;
            var rest = path[prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash < 0) entries[path] = new ArtifactEntry(path, false, size, sha);
            else
            {
                var dir = prefix + rest[..slash];
                entries.TryAdd(dir, new ArtifactEntry(dir, true, null, null));
            }
        }
        return entries.Values.ToList();
    }
}
