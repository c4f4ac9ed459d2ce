using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Datasets;

/// <summary>Small random batches for augmentation tests, with a caption box in frame1 of every sample and none in frame2 of odd ones.</summary>
internal static class AugmentationBatches
{
    public const int PerFrame = TaskSpec.SpatialFeatureCount / 2;

    public static CaptionInputs RandomBatch(int n = 6, int size = 32, bool identicalPairs = false, ulong seed = 9)
    {
        using var g = new Generator(seed);
        var frame1 = rand(new long[] { n, 3, size, size }, generator: g);
        var frame2 = identicalPairs ? frame1.clone() : rand(new long[] { n, 3, size, size }, generator: g);
        var ocr = rand(new long[] { n, 3, size, size }, generator: g);
        var features = new float[n * TaskSpec.SpatialFeatureCount];
        for (var i = 0; i < n; i++)
        {
            Box(features, i, 0, 0.2f + 0.05f * i, 0.78f, 0.6f + 0.03f * i, 0.93f, chars: 12 + i);
            if (i % 2 == 0) Box(features, i, PerFrame, 0.3f, 0.8f, 0.7f, 0.95f, chars: 20);
        }
        return new CaptionInputs(frame1, frame2, ocr, tensor(features, new long[] { n, TaskSpec.SpatialFeatureCount }),
            rand(new long[] { n, TaskSpec.FontEmbeddingDimension }, generator: g));
    }

    public static void Box(float[] features, int sample, int offset, float x0, float y0, float x1, float y1, int chars)
    {
        var o = sample * TaskSpec.SpatialFeatureCount + offset;
        float[] block = [1f, x0, y0, x1, y1, x1 - x0, y1 - y0, (x0 + x1) / 2, (y0 + y1) / 2, chars];
        block.CopyTo(features, o);
    }

    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.equal(b).all().item<bool>();

    public static void Dispose(params CaptionInputs[] all)
    {
        foreach (var inputs in all)
            foreach (var t in inputs.Tensors) t.Dispose();
    }
}
