using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaptionBoundaries.Infrastructure.DatasetVersions;

/// <summary>
/// The immutable description of one dataset version, stored as a blob (format <see cref="FormatId"/>): the
/// dataset's samples with every image path replaced by its blob hash, the blob holding the original
/// manifest.json bytes (which keeps the paths, so a checkout has the original layout and identity), and
/// summary metadata. It holds content only (no version number, time or message), so identical content
/// always serialises to the same bytes and therefore the same blob.
/// </summary>
public sealed record DatasetVersionManifest(
    string Format,
    string ContentIdentity,
    string SourceManifest,
    IReadOnlyList<DatasetVersionSample> Samples,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ClassCounts,
    IReadOnlyDictionary<string, int> ImageSizes,
    long TotalBytes,
    int BlobCount)
{
    public const string FormatId = "caption-boundaries-dataset-version/v1";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    public static DatasetVersionManifest Parse(byte[] json, string sha)
    {
        DatasetVersionManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<DatasetVersionManifest>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Version manifest blob {sha} is not valid {FormatId} JSON: {e.Message}");
        }
        if (manifest is null || manifest.Format != FormatId)
            throw new InvalidDataException($"Version manifest blob {sha} is not in format {FormatId}.");
        return manifest;
    }

    /// <summary>Every blob the version needs: the source manifest and each distinct image.</summary>
    public IEnumerable<string> BlobShas() =>
        Samples.SelectMany(s => new[] { s.Frame1, s.Frame2, s.OcrViz }).Prepend(SourceManifest).Distinct(StringComparer.Ordinal);
}

/// <summary>A manifest sample whose three image fields hold blob hashes instead of paths.</summary>
public sealed record DatasetVersionSample(
    string Id,
    string Split,
    string Label,
    string Frame1,
    string Frame2,
    string OcrViz,
    int Width,
    int Height,
    float[] SpatialFeatures,
    float[]? CaptionBox = null)
{
    public IEnumerable<(string Field, string Sha)> ImageBlobs() =>
        [("frame1", Frame1), ("frame2", Frame2), ("ocr_viz", OcrViz)];
}
