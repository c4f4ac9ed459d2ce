using System.Text.Json;
using System.Text.Json.Serialization;
using CaptionBoundaries.Contracts;
using StbImageSharp;

namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// The on-disk description of a dataset (manifest.json, format <see cref="FormatId"/>; see docs/dataset-format.md).
/// Loading validates every sample and fails on the first problem with a message naming the sample and field.
/// </summary>
public sealed record DatasetManifest(
    string Format,
    string Name,
    string CreatedBy,
    int ImageWidth,
    int ImageHeight,
    IReadOnlyList<DatasetManifestSample> Samples)
{
    public const string FormatId = "caption-boundaries-dataset/v1";
    public const string FileName = "manifest.json";

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public static string ManifestPath(string folder) => Path.Combine(folder, FileName);

    /// <summary>Reads and fully validates a dataset folder's manifest, including that every image exists and each sample's images share one size.</summary>
    public static DatasetManifest Load(string folder)
    {
        var manifest = Parse(ReadManifestBytes(folder));
        manifest.ValidateFiles(folder);
        return manifest;
    }

    /// <summary>Parses manifest bytes and checks everything that does not need the image files.</summary>
    public static DatasetManifest Parse(byte[] json)
    {
        DatasetManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<DatasetManifest>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException($"{FileName} is not valid JSON for {FormatId}: {e.Message}");
        }
        if (manifest is null) throw new DatasetFormatException($"{FileName} is empty (null).");
        manifest.ValidateStructure();
        return manifest;
    }

    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(ManifestPath(folder), ToJsonBytes());
    }

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    public static byte[] ReadManifestBytes(string folder)
    {
        var path = ManifestPath(folder);
        if (!File.Exists(path))
            throw new DatasetFormatException($"No {FileName} in dataset folder '{folder}'.", field: "manifest");
        return Common.BoundedFile.ReadAllBytes(path, Common.InputLimits.MaxManifestBytes, "Dataset manifest");
    }

    /// <summary>Absolute path of a sample's image, refusing paths that leave the dataset folder.</summary>
    public static string ResolveImagePath(string folder, DatasetManifestSample sample, string field, string relativePath)
    {
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        if (Path.IsPathRooted(relativePath) || !full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw DatasetFormatException.ForSample(sample.Id, field, $"path '{relativePath}' must be relative and inside the dataset folder.");
        return full;
    }

    private void ValidateStructure()
    {
        if (Format != FormatId)
            throw new DatasetFormatException($"{FileName} has format '{Format}'; expected '{FormatId}'.", field: "format");
        if (string.IsNullOrWhiteSpace(Name))
            throw new DatasetFormatException($"{FileName} has no name.", field: "name");
        if (Samples is null || Samples.Count == 0)
            throw new DatasetFormatException($"{FileName} has no samples.", field: "samples");

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Samples.Count; i++)
        {
            var s = Samples[i] ?? throw new DatasetFormatException($"{FileName} sample #{i} is null.", field: "samples");
            if (string.IsNullOrWhiteSpace(s.Id))
                throw new DatasetFormatException($"{FileName} sample #{i} has no id.", field: "id");
            if (!ids.Add(s.Id))
                throw DatasetFormatException.ForSample(s.Id, "id", "the id is used by more than one sample.");
            if (s.Split is null || !DatasetSplit.All.Contains(s.Split))
                throw DatasetFormatException.ForSample(s.Id, "split",
                    $"unknown split '{s.Split}'; expected one of {string.Join(", ", DatasetSplit.All)}.");
            if (s.Label is null || !TaskSpec.Classes.Contains(s.Label))
                throw DatasetFormatException.ForSample(s.Id, "label",
                    $"unknown label '{s.Label}'; expected one of {string.Join(", ", TaskSpec.Classes)}.");
            RequirePath(s, "frame1", s.Frame1);
            RequirePath(s, "frame2", s.Frame2);
            RequirePath(s, "ocr_viz", s.OcrViz);
            if (s.SpatialFeatures is null || s.SpatialFeatures.Length != TaskSpec.SpatialFeatureCount)
                throw DatasetFormatException.ForSample(s.Id, "spatial_features",
                    $"expected {TaskSpec.SpatialFeatureCount} numbers ({string.Join(", ", TaskSpec.SpatialFeatureNames)}), got {s.SpatialFeatures?.Length ?? 0}.");
            if (s.SpatialFeatures.Any(v => !float.IsFinite(v)))
                throw DatasetFormatException.ForSample(s.Id, "spatial_features", "all values must be finite numbers.");
            if (s.CaptionBox is not null)
            {
                var b = s.CaptionBox;
                if (b.Length != 4 || b.Any(v => !float.IsFinite(v) || v < 0 || v > 1) || b[2] <= b[0] || b[3] <= b[1])
                    throw DatasetFormatException.ForSample(s.Id, "caption_box",
                        $"expected [x0, y0, x1, y1] normalised to [0, 1] with x1 > x0 and y1 > y0, got [{string.Join(", ", b)}].");
            }
        }
    }

    private static void RequirePath(DatasetManifestSample s, string field, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw DatasetFormatException.ForSample(s.Id, field, "the image path is missing.");
    }

    private void ValidateFiles(string folder)
    {
        foreach (var s in Samples)
        {
            (int W, int H)? first = null;
            foreach (var (field, rel) in ImageFields(s))
            {
                var path = ResolveImagePath(folder, s, field, rel);
                if (!File.Exists(path))
                    throw DatasetFormatException.ForSample(s.Id, field, $"image file '{rel}' does not exist.");
                var size = ReadImageSize(s, field, path);
                if (first is null) first = size;
                else if (first != size)
                    throw DatasetFormatException.ForSample(s.Id, field,
                        $"image '{rel}' is {size.W}x{size.H} but frame1 is {first.Value.W}x{first.Value.H}; all three images of a sample must have the same size.");
            }
        }
    }

    /// <summary>The three image fields of a sample in manifest order (the order the dataset identity hashes them in).</summary>
    public static IEnumerable<(string Field, string Path)> ImageFields(DatasetManifestSample s) =>
        [("frame1", s.Frame1), ("frame2", s.Frame2), ("ocr_viz", s.OcrViz)];

    private static (int W, int H) ReadImageSize(DatasetManifestSample s, string field, string path)
    {
        using var stream = File.OpenRead(path);
        var info = ImageInfo.FromStream(stream)
            ?? throw DatasetFormatException.ForSample(s.Id, field, $"'{path}' is not a readable image (PNG, JPEG, BMP, ...).");
        return (info.Width, info.Height);
    }
}
