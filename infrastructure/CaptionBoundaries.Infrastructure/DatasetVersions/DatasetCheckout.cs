using CaptionBoundaries.Domain.Datasets;

namespace CaptionBoundaries.Infrastructure.DatasetVersions;

/// <summary>
/// Materialises a stored version as a standard dataset folder: the original manifest.json bytes and every image
/// at its original path, each blob verified against its hash as it is copied. The folder's
/// <see cref="DatasetIdentity"/> therefore equals the version's content identity, so runs on it link back.
/// </summary>
public static class DatasetCheckout
{
    /// <summary>Reads and verifies a version's manifest blob and the source manifest it points to.</summary>
    public static (DatasetVersionManifest Version, byte[] SourceManifestBytes, DatasetManifest Source) ReadVersion(BlobStore store, string manifestBlob)
    {
        var version = DatasetVersionManifest.Parse(store.ReadVerified(manifestBlob, "version manifest"), manifestBlob);
        var sourceBytes = store.ReadVerified(version.SourceManifest, DatasetManifest.FileName);
        var source = DatasetManifest.Parse(sourceBytes);
        if (source.Samples.Count != version.Samples.Count
            || source.Samples.Zip(version.Samples).Any(p => p.First.Id != p.Second.Id))
            throw new InvalidDataException($"Version manifest blob {manifestBlob} and its {DatasetManifest.FileName} blob {version.SourceManifest} list different samples.");
        return (version, sourceBytes, source);
    }

    public static CheckedOutDataset Run(BlobStore store, string manifestBlob, string outputFolder, IProgress<DatasetHashingProgress>? progress, CancellationToken ct)
    {
        var (version, sourceBytes, source) = ReadVersion(store, manifestBlob);
        outputFolder = Path.GetFullPath(outputFolder);
        var created = !Directory.Exists(outputFolder);
        Directory.CreateDirectory(outputFolder);
        try
        {
            File.WriteAllBytes(DatasetManifest.ManifestPath(outputFolder), sourceBytes);
            var written = new Dictionary<string, string>(StringComparer.Ordinal);
            var total = source.Samples.SelectMany(DatasetManifest.ImageFields).Select(f => f.Path).Distinct(StringComparer.Ordinal).Count();
            long bytes = sourceBytes.Length;
            var fileHashes = new List<byte[]>();
            for (var i = 0; i < source.Samples.Count; i++)
            {
                var s = source.Samples[i];
                var blobs = version.Samples[i].ImageBlobs().ToList();
                var fields = DatasetManifest.ImageFields(s).ToList();
                for (var f = 0; f < 3; f++)
                {
                    ct.ThrowIfCancellationRequested();
                    var (field, rel) = fields[f];
                    var sha = blobs[f].Sha;
                    var path = DatasetManifest.ResolveImagePath(outputFolder, s, field, rel);
                    fileHashes.Add(Convert.FromHexString(sha));
                    if (written.TryGetValue(path, out var already))
                    {
                        if (already != sha)
                            throw new InvalidDataException($"Sample '{s.Id}', field '{field}': path '{rel}' is given two different contents ({already} and {sha}).");
                        continue;
                    }
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    bytes += store.CopyVerified(sha, path, $"sample '{s.Id}', field '{field}', '{rel}'");
                    written[path] = sha;
                    progress?.Report(new DatasetHashingProgress(written.Count, total, bytes));
                }
            }
            var identity = DatasetIdentity.Combine(sourceBytes, fileHashes);
            if (identity != version.ContentIdentity)
                throw new InvalidDataException($"Checked-out content hashes to identity {identity} but version manifest {manifestBlob} says {version.ContentIdentity}.");
            return new CheckedOutDataset(outputFolder, identity, written.Count + 1, bytes);
        }
        catch
        {
            // Leave nothing half-written: a partial folder would look like a dataset with a different identity.
            if (created) Directory.Delete(outputFolder, recursive: true);
            else
            {
                foreach (var dir in Directory.EnumerateDirectories(outputFolder)) Directory.Delete(dir, recursive: true);
                foreach (var file in Directory.EnumerateFiles(outputFolder)) File.Delete(file);
            }
            throw;
        }
    }
}

public sealed record CheckedOutDataset(string Folder, string Identity, int Files, long Bytes);
