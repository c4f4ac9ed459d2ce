using System.Globalization;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;

namespace CaptionBoundaries.Host.Cli;

/// <summary>
/// One sample as the predict endpoints take it (images as base64 of the files' bytes), with a label when known. The
/// files are read when <see cref="Body"/> is called, so a long dataset is held in memory one request at a time.
/// </summary>
public sealed record LocalPredictSample(string Name, string? TrueClass, Func<Dictionary<string, object?>> Body);

/// <summary>
/// Builds prediction samples from files on this machine: the server never reads a path a client names, so the CLI reads
/// the files and sends their bytes. Files over the server's image cap are refused here, before anything is sent.
/// </summary>
public static class LocalPredictSamples
{
    public static LocalPredictSample FromFiles(string frame1, string frame2, string ocrViz, string spatialFeatures, string? captionBox)
    {
        // Everything is read and checked now: a typo is reported before anything is sent.
        var body = new Dictionary<string, object?>
        {
            ["frame1"] = Base64(frame1, "--frame1"),
            ["frame2"] = Base64(frame2, "--frame2"),
            ["ocr_viz"] = Base64(ocrViz, "--ocr-viz"),
            ["spatial_features"] = Numbers(spatialFeatures, "--spatial-features"),
            ["caption_box"] = captionBox is null ? null : Numbers(captionBox, "--caption-box"),
        };
        return new LocalPredictSample(Path.GetFileName(frame1), null, () => body);
    }

    /// <summary>The first <paramref name="count"/> samples of a split (val, train or all) of a dataset folder, in manifest order.</summary>
    public static IReadOnlyList<LocalPredictSample> FromDataset(string folder, string split, int count)
    {
        if (count < 1) throw new ArgumentException($"--samples must be at least 1, got {count}.");
        folder = Path.GetFullPath(folder);
        var manifest = DatasetManifest.Load(folder);
        var chosen = manifest.Samples.Where(s => split == "all" || s.Split == split).Take(count).ToList();
        if (chosen.Count == 0) throw new ArgumentException($"Dataset '{folder}' has no samples in split '{split}'.");
        return chosen.Select(s =>
        {
            string File(string field, string relative) => Base64(DatasetManifest.ResolveImagePath(folder, s, field, relative), $"{s.Id} {field}");
            return new LocalPredictSample(s.Id, s.Label, () => new Dictionary<string, object?>
            {
                ["frame1"] = File("frame1", s.Frame1),
                ["frame2"] = File("frame2", s.Frame2),
                ["ocr_viz"] = File("ocr_viz", s.OcrViz),
                ["spatial_features"] = s.SpatialFeatures,
                ["caption_box"] = s.CaptionBox,
            });
        }).ToList();
    }

    /// <summary>Comma-separated numbers (a JSON-style [..] is fine too); how many is the server's to check, naming the field.</summary>
    public static float[] Numbers(string text, string option)
    {
        var parts = text.Trim().TrimStart('[').TrimEnd(']').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException($"{option} needs comma-separated numbers.");
        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                throw new ArgumentException($"{option}: '{parts[i]}' (value {i + 1}) is not a number.");
        return values;
    }

    private static string Base64(string path, string what)
    {
        if (!File.Exists(path)) throw new ArgumentException($"{what}: file '{path}' does not exist.");
        return Convert.ToBase64String(BoundedFile.ReadAllBytes(path, InputLimits.MaxImageBytes, $"{what} image"));
    }
}
