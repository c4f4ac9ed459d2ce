using CaptionBoundaries.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// Turns one sample's decoded images into what the model sees: the font embedding (from the caption
/// region at the original resolution, where glyph detail is intact) and the three images resized to the
/// transform. Training and single-sample inference both go through here so they cannot drift apart.
/// </summary>
internal static class PreparedImages
{
    public static (byte[] Frame1, byte[] Frame2, byte[] OcrViz, float[] FontEmbedding) Prepare(
        string sampleId, RgbImage frame1, RgbImage frame2, RgbImage ocrViz,
        float[] spatialFeatures, float[]? captionBox, IEmbedder fontEmbedder, ImageTransform transform, float[]? fontEmbedding = null)
    {
        foreach (var (field, image) in new[] { ("frame2", frame2), ("ocr_viz", ocrViz) })
        {
            if (image.Width != frame1.Width || image.Height != frame1.Height)
                throw DatasetFormatException.ForSample(sampleId, field,
                    $"image is {image.Width}x{image.Height} but frame1 is {frame1.Width}x{frame1.Height}; all three images of a sample must have the same size.");
        }

        // A client that computed the embedding itself sends it; otherwise the model's embedder reads the caption.
        var embedding = fontEmbedding ?? Embed(sampleId, frame1, frame2, spatialFeatures, captionBox, fontEmbedder);
        var (f1, f2, ocr) = Resize(frame1, frame2, ocrViz, transform);
        return (f1, f2, ocr, embedding);
    }

    public static void CheckEmbedder(IEmbedder fontEmbedder)
    {
        ArgumentNullException.ThrowIfNull(fontEmbedder);
        if (fontEmbedder.OutputDimension != TaskSpec.FontEmbeddingDimension)
            throw new ArgumentException(
                $"Font embedder '{fontEmbedder.Name}' {fontEmbedder.Version} produces {fontEmbedder.OutputDimension} values; the task's font_embedding needs {TaskSpec.FontEmbeddingDimension}.",
                nameof(fontEmbedder));
    }

    /// <summary>
    /// The embedder sees frame2's caption (the caption_box, else frame2's box from the spatial features), else
    /// frame1's, else the bottom quarter of frame2 where captions usually sit.
    /// </summary>
    public static PixelBox FontRegion(float[] spatialFeatures, float[]? captionBox, int width, int height, out bool useFrame2)
    {
        const int frame2Offset = TaskSpec.SpatialFeatureCount / 2;
        var has1 = spatialFeatures[0] >= 0.5f;
        var has2 = spatialFeatures[frame2Offset] >= 0.5f;
        useFrame2 = has2 || !has1;
        if (captionBox is not null)
            return PixelBox.FromNormalised(captionBox[0], captionBox[1], captionBox[2], captionBox[3], width, height);
        if (has1 || has2)
        {
            var o = has2 ? frame2Offset : 0;
            return PixelBox.FromNormalised(spatialFeatures[o + 1], spatialFeatures[o + 2], spatialFeatures[o + 3], spatialFeatures[o + 4], width, height);
        }
        return new PixelBox(0, height - Math.Max(1, height / 4), width, height);
    }

    private static float[] Embed(string sampleId, RgbImage frame1, RgbImage frame2, float[] spatialFeatures, float[]? captionBox, IEmbedder embedder)
    {
        var box = FontRegion(spatialFeatures, captionBox, frame1.Width, frame1.Height, out var useFrame2);
        var source = useFrame2 ? frame2 : frame1;
        using var region = tensor(Crop(source, box), new long[] { 3, box.Height, box.Width });
        var embedding = embedder.Embed(region);
        if (embedding is null || embedding.Length != TaskSpec.FontEmbeddingDimension)
            throw new InvalidOperationException(
                $"Font embedder '{embedder.Name}' returned {embedding?.Length ?? 0} values for sample '{sampleId}'; expected {TaskSpec.FontEmbeddingDimension}.");
        return embedding;
    }

    private static float[] Crop(RgbImage image, PixelBox box)
    {
        var plane = box.Width * box.Height;
        var result = new float[3 * plane];
        for (var y = 0; y < box.Height; y++)
            for (var x = 0; x < box.Width; x++)
                for (var c = 0; c < 3; c++)
                    result[c * plane + y * box.Width + x] = image.Pixels[((box.Y0 + y) * image.Width + box.X0 + x) * 3 + c] / 255f;
        return result;
    }

    private static (byte[], byte[], byte[]) Resize(RgbImage frame1, RgbImage frame2, RgbImage ocrViz, ImageTransform transform)
    {
        if (frame1.Width == transform.Width && frame1.Height == transform.Height)
            return (ToPlanarBytes(frame1), ToPlanarBytes(frame2), ToPlanarBytes(ocrViz));

        using var scope = NewDisposeScope();
        var all = new float[3 * 3 * frame1.Width * frame1.Height];
        var offset = 0;
        foreach (var image in new[] { frame1, frame2, ocrViz })
        {
            var floats = image.ToPlanarFloats();
            floats.CopyTo(all, offset);
            offset += floats.Length;
        }
        var input = tensor(all, new long[] { 3, 3, frame1.Height, frame1.Width });
        var resized = nn.functional.interpolate(input, size: new long[] { transform.Height, transform.Width },
            mode: InterpolationMode.Bilinear, align_corners: false);
        var bytes = resized.mul(255f).round().clamp(0f, 255f).to(ScalarType.Byte).contiguous().data<byte>().ToArray();
        var size = 3 * transform.Height * transform.Width;
        return (bytes[..size], bytes[size..(2 * size)], bytes[(2 * size)..]);
    }

    private static byte[] ToPlanarBytes(RgbImage image)
    {
        var plane = image.Width * image.Height;
        var result = new byte[3 * plane];
        for (var i = 0; i < plane; i++)
            for (var c = 0; c < 3; c++)
                result[c * plane + i] = image.Pixels[i * 3 + c];
        return result;
    }
}
