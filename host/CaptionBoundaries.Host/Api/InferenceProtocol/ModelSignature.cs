using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// The tensors a caption-boundary model takes and gives in the Open Inference Protocol, by name. The names are the task's
/// (<see cref="TaskSpec"/>); the batch dimension is -1; H and W are the answering version's input size, from its checkpoint.
/// </summary>
public static class ModelSignature
{
    public const string Fp32 = "FP32";
    public const string Bytes = "BYTES";

    public const string CaptionBox = "caption_box";
    public const string Probabilities = "probabilities";
    public const string PredictedClass = "predicted_class";

    /// <summary>The three images: FP32 [N, 3, H, W] with values in [0, 1], or BYTES [N] of encoded PNG/JPEG files.</summary>
    public static readonly IReadOnlyList<string> Images = [TaskSpec.Frame1, TaskSpec.Frame2, TaskSpec.OcrViz];

    /// <summary>Inputs that may be left out: the model's embedder computes the font embedding (from the caption box when given).</summary>
    public static readonly IReadOnlyList<string> Optional = [TaskSpec.FontEmbedding, CaptionBox];

    /// <summary>Width of each vector input.</summary>
    public static readonly IReadOnlyList<(string Name, int Width)> Vectors =
    [
        (TaskSpec.SpatialFeatures, TaskSpec.SpatialFeatureCount),
        (TaskSpec.FontEmbedding, TaskSpec.FontEmbeddingDimension),
        (CaptionBox, 4),
    ];

    public static readonly IReadOnlyList<string> InputNames = [.. Images, TaskSpec.SpatialFeatures, TaskSpec.FontEmbedding, CaptionBox];

    public static readonly IReadOnlyList<string> OutputNames = [Probabilities, PredictedClass];

    public sealed record TensorSpec(string Name, string Datatype, long[] Shape);

    public static IReadOnlyList<TensorSpec> Inputs(int height, int width) =>
    [
        .. Images.Select(name => new TensorSpec(name, Fp32, [-1, TaskSpec.ImageChannels, height, width])),
        .. Vectors.Select(v => new TensorSpec(v.Name, Fp32, [-1, v.Width])),
    ];

    public static IReadOnlyList<TensorSpec> Outputs { get; } =
    [
        new(Probabilities, Fp32, [-1, TaskSpec.ClassCount]),
        new(PredictedClass, Bytes, [-1]),
    ];
}
