using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Embedders;

/// <summary>
/// A weight-free font/style fingerprint of a caption region: 16-bin intensity histogram, 16-bin column
/// (horizontal) projection profile, 16-bin row (vertical) projection profile and 16 stroke/edge statistics.
/// Everything is computed in managed double arithmetic in a fixed order, so the same pixels always give
/// bit-identical vectors, whatever the machine or thread count.
/// </summary>
public sealed class GlyphProfileFontEmbedder : IEmbedder
{
    private const int Bins = 16;

    public string Name => "glyph_profile";

    public string Version => "1.0.0";

    public int OutputDimension => TaskSpec.FontEmbeddingDimension;

    public float[] Embed(Tensor imageRegion)
    {
        ArgumentNullException.ThrowIfNull(imageRegion);
        var s = imageRegion.shape;
        if (s.Length != 3 || (s[0] != 3 && s[0] != 1))
        {
            throw new ArgumentException(
                $"glyph_profile embeds one region of shape (3, H, W); got ({string.Join(", ", s)}).", nameof(imageRegion));
        }

        var channels = (int)s[0];
        var height = (int)s[1];
        var width = (int)s[2];
        var result = new float[OutputDimension];
        if (height == 0 || width == 0) return result;

        using var cpu = imageRegion.detach().to(ScalarType.Float32, CPU).contiguous();
        var pixels = cpu.data<float>().ToArray();
        var gray = Grayscale.FromPlanes(pixels, channels, height, width);
        Grayscale.StretchToUnitRange(gray);

        var offset = 0;
        offset = Write(result, offset, IntensityHistogram(gray));
        offset = Write(result, offset, BinResampler.Resample(ColumnProfile(gray, height, width), Bins));
        offset = Write(result, offset, BinResampler.Resample(RowProfile(gray, height, width), Bins));
        Write(result, offset, StrokeStatistics.Compute(gray, height, width));
        return result;
    }

    private static int Write(float[] target, int offset, double[] values)
    {
        for (var i = 0; i < values.Length; i++) target[offset + i] = (float)values[i];
        return offset + values.Length;
    }

    private static double[] IntensityHistogram(double[] gray)
    {
        var hist = new double[Bins];
        foreach (var v in gray) hist[Math.Min(Bins - 1, (int)(v * Bins))]++;
        for (var i = 0; i < Bins; i++) hist[i] /= gray.Length;
        return hist;
    }

    // Mean "ink" per column: captions differ in letter spacing and glyph width, which shows here.
    private static double[] ColumnProfile(double[] gray, int height, int width)
    {
        var profile = new double[width];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                profile[x] += gray[y * width + x];
        for (var x = 0; x < width; x++) profile[x] /= height;
        return profile;
    }

    // Mean "ink" per row: cap height, baseline and box padding show here.
    private static double[] RowProfile(double[] gray, int height, int width)
    {
        var profile = new double[height];
        for (var y = 0; y < height; y++)
        {
            double sum = 0;
            for (var x = 0; x < width; x++) sum += gray[y * width + x];
            profile[y] = sum / width;
        }
        return profile;
    }
}
