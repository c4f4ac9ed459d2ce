using CaptionBoundaries.Domain.Datasets;

namespace CaptionBoundaries.Domain.Explain;

/// <summary>Heatmaps as pictures: a jet colour map (blue = 0, red = 1), alone or blended over the input image.</summary>
public static class HeatmapOverlay
{
    /// <summary>Share of the colour map in a blended pixel; the rest is the input image.</summary>
    public const double DefaultOpacity = 0.5;

    /// <summary>The classic jet colour map, piecewise linear: 0 dark blue, 0.25 blue-cyan, 0.5 green, 0.75 yellow-orange, 1 dark red.</summary>
    public static (byte R, byte G, byte B) Jet(float value)
    {
        var v = Math.Clamp(float.IsFinite(value) ? value : 0f, 0f, 1f);
        static byte Channel(float x) => (byte)Math.Round(255 * Math.Clamp(1.5f - Math.Abs(x), 0f, 1f));
        return (Channel(4 * v - 3), Channel(4 * v - 2), Channel(4 * v - 1));
    }

    /// <summary>The heatmap alone, coloured.</summary>
    public static RgbImage Colorize(InputHeatmap heatmap)
    {
        var image = new RgbImage(heatmap.Width, heatmap.Height);
        for (var i = 0; i < heatmap.Values.Length; i++)
        {
            var (r, g, b) = Jet(heatmap.Values[i]);
            image.Pixels[3 * i] = r;
            image.Pixels[3 * i + 1] = g;
            image.Pixels[3 * i + 2] = b;
        }
        return image;
    }

    /// <summary>The coloured heatmap blended over <paramref name="image"/>, which must have the heatmap's size.</summary>
    public static RgbImage Blend(RgbImage image, InputHeatmap heatmap, double opacity = DefaultOpacity)
    {
        if (image.Width != heatmap.Width || image.Height != heatmap.Height)
            throw new ArgumentException(
                $"The {heatmap.Input} heatmap is {heatmap.Width}x{heatmap.Height} but the image is {image.Width}x{image.Height}.", nameof(heatmap));
        opacity = Math.Clamp(opacity, 0, 1);
        var result = new RgbImage(image.Width, image.Height);
        for (var i = 0; i < heatmap.Values.Length; i++)
        {
            var (r, g, b) = Jet(heatmap.Values[i]);
            result.Pixels[3 * i] = Mix(image.Pixels[3 * i], r, opacity);
            result.Pixels[3 * i + 1] = Mix(image.Pixels[3 * i + 1], g, opacity);
            result.Pixels[3 * i + 2] = Mix(image.Pixels[3 * i + 2], b, opacity);
        }
        return result;
    }

    private static byte Mix(byte under, byte over, double opacity) => (byte)Math.Round(under * (1 - opacity) + over * opacity);
}
