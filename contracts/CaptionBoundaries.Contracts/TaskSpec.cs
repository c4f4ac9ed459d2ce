namespace CaptionBoundaries.Contracts;

/// <summary>
/// The caption boundary task: five named inputs, five classes in a fixed order.
/// These are task constraints, enforced by validation; nothing here is configurable.
/// </summary>
public static class TaskSpec
{
    /// <summary>Class names in logit order. Checkpoints record this list and refuse a different one.</summary>
    public static readonly IReadOnlyList<string> Classes = ["same", "different", "empty_empty", "empty_valid", "valid_empty"];

    public const int ClassCount = 5;
    public const int ImageChannels = 3;

    /// <summary>Geometry of the detected caption boxes of both frames (see <see cref="SpatialFeatureNames"/>).</summary>
    public const int SpatialFeatureCount = 20;

    /// <summary>Width of the font embedding every embedder plugin must produce.</summary>
    public const int FontEmbeddingDimension = 64;

    /// <summary>Smallest image side the ResNet-style backbones accept (five stride-2 stages).</summary>
    public const int MinImageSide = 32;

    public const string Frame1 = "frame1";
    public const string Frame2 = "frame2";
    public const string OcrViz = "ocr_viz";
    public const string SpatialFeatures = "spatial_features";
    public const string FontEmbedding = "font_embedding";

    public static readonly IReadOnlyList<InputSpec> Inputs =
    [
        new(Frame1, "(batch, 3, H, W) float32 in [0, 1]", "The earlier of the two consecutive video frames, RGB."),
        new(Frame2, "(batch, 3, H, W) float32 in [0, 1]", "The later frame, same size as frame1."),
        new(OcrViz, "(batch, 3, H, W) float32 in [0, 1]", "OCR visualisation: detected text boxes of frame1 (red) and frame2 (green), their overlap (blue)."),
        new(SpatialFeatures, $"(batch, {SpatialFeatureCount}) float32", "Caption box geometry of both frames, normalised to the frame size."),
        new(FontEmbedding, $"(batch, {FontEmbeddingDimension}) float32", "Font/style embedding of the caption region from an embedder plugin."),
    ];

    /// <summary>Names of the 20 spatial features: 10 per frame.</summary>
    public static readonly IReadOnlyList<string> SpatialFeatureNames =
    [
        .. FrameFeatureNames("frame1"),
        .. FrameFeatureNames("frame2"),
    ];

    private static IEnumerable<string> FrameFeatureNames(string frame) =>
        new[] { "has_caption", "x0", "y0", "x1", "y1", "width", "height", "center_x", "center_y", "char_count" }
            .Select(f => $"{frame}.{f}");

    public static int ClassIndex(string className)
    {
        for (var i = 0; i < Classes.Count; i++)
        {
            if (Classes[i] == className) return i;
        }
        throw new ArgumentException(
            $"Unknown class '{className}'. The task has exactly {ClassCount} classes: {string.Join(", ", Classes)}.",
            nameof(className));
    }
}

/// <summary>One named model input and its documented shape.</summary>
public sealed record InputSpec(string Name, string Shape, string Description);
