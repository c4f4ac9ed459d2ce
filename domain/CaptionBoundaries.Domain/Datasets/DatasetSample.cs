using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// One sample held in memory, ready for batching. Images are already resized to the dataset's
/// <see cref="ImageTransform"/> and kept as planar (3, H, W) bytes (value = round(pixel * 255)): a quarter of
/// the memory of float32, and lossless when the source already has the transform's size.
/// </summary>
public sealed record DatasetSample(
    string Id,
    int Label,
    string Split,
    byte[] Frame1,
    byte[] Frame2,
    byte[] OcrViz,
    float[] SpatialFeatures,
    float[] FontEmbedding)
{
    public string LabelName => TaskSpec.Classes[Label];
}
