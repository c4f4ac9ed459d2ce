using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using StbImageSharp;

namespace CaptionBoundaries.Infrastructure.DatasetVersions;

/// <summary>
/// Hashes a dataset folder into the blob store: every referenced file once (a file referenced by several
/// samples is read once), storing only content the store does not have yet. Paths play no part in which
/// blobs exist, so renaming or moving a file stores nothing new.
/// </summary>
public static class DatasetIngest
{
    public static IngestedDataset Run(string folder, BlobStore store, IProgress<DatasetHashingProgress>? progress, CancellationToken ct)
    {
        folder = Path.GetFullPath(folder);
        var manifestBytes = DatasetManifest.ReadManifestBytes(folder);
        // Full validation first (paths, labels, image sizes) so a broken dataset is refused before any blob is written.
        var manifest = DatasetManifest.Load(folder);

        var files = new Dictionary<string, BlobWrite>(StringComparer.Ordinal);
        var total = manifest.Samples.SelectMany(DatasetManifest.ImageFields)
            .Select(f => f.Path).Distinct(StringComparer.Ordinal).Count();
        long bytesDone = 0;
        var sourceManifest = store.PutBytes(manifestBytes);

        var samples = new List<DatasetVersionSample>(manifest.Samples.Count);
        var fileHashes = new List<byte[]>();
        var imageSizes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in manifest.Samples)
        {
            var shas = new string[3];
            var i = 0;
            string? firstPath = null;
            foreach (var (field, rel) in DatasetManifest.ImageFields(s))
            {
                ct.ThrowIfCancellationRequested();
                var path = DatasetManifest.ResolveImagePath(folder, s, field, rel);
                firstPath ??= path;
                if (!files.TryGetValue(path, out var write))
                {
                    write = store.PutFile(path);
                    files[path] = write;
                    bytesDone += write.Bytes;
                    progress?.Report(new DatasetHashingProgress(files.Count, total, bytesDone));
                }
                shas[i++] = write.Sha;
                fileHashes.Add(Convert.FromHexString(write.Sha));
            }
            var (width, height) = ImageSize(firstPath!);
            var sizeKey = $"{width}x{height}";
            imageSizes[sizeKey] = imageSizes.GetValueOrDefault(sizeKey) + 1;
            samples.Add(new DatasetVersionSample(s.Id, s.Split, s.Label, shas[0], shas[1], shas[2], width, height, s.SpatialFeatures, s.CaptionBox));
        }

        var imageBlobs = files.Values.DistinctBy(w => w.Sha).ToList();
        var distinct = imageBlobs.Append(sourceManifest).DistinctBy(w => w.Sha).ToList();
        var version = new DatasetVersionManifest(
            DatasetVersionManifest.FormatId,
            DatasetIdentity.Combine(manifestBytes, fileHashes),
            sourceManifest.Sha,
            samples,
            ClassCounts(samples),
            imageSizes,
            distinct.Sum(w => w.Bytes),
            distinct.Count);
        return new IngestedDataset(folder, manifest.Name, version, distinct,
            NewImageBlobs: imageBlobs.Count(w => w.Written));
    }

    /// <summary>Samples per split and class, splits and classes in their canonical order (so the JSON is deterministic).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ClassCounts(IEnumerable<DatasetVersionSample> samples)
    {
        var list = samples.ToList();
        var counts = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        // The optional test split is listed only when the dataset has one, so versions without it keep their counts as they were.
        foreach (var split in DatasetSplit.All.Where(s => s != DatasetSplit.Test || list.Any(x => x.Split == DatasetSplit.Test)))
        {
            var perClass = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var label in TaskSpec.Classes) perClass[label] = list.Count(s => s.Split == split && s.Label == label);
            counts[split] = perClass;
        }
        return counts;
    }

    private static (int Width, int Height) ImageSize(string path)
    {
        using var stream = File.OpenRead(path);
        var info = ImageInfo.FromStream(stream) ?? throw new InvalidDataException($"'{path}' is not a readable image.");
        return (info.Width, info.Height);
    }
}

/// <summary>A folder's content as stored in the blob store, ready to be recorded as a version.</summary>
public sealed record IngestedDataset(
    string Folder,
    string ManifestName,
    DatasetVersionManifest Manifest,
    IReadOnlyList<BlobWrite> Blobs,
    int NewImageBlobs);
