namespace CaptionBoundaries.Plugins.Embedders;

/// <summary>Luma conversion and contrast stretching, so the embedding describes shape rather than exposure.</summary>
internal static class Grayscale
{
    public static double[] FromPlanes(float[] chw, int channels, int height, int width)
    {
        var plane = height * width;
        var gray = new double[plane];
        for (var i = 0; i < plane; i++)
        {
            gray[i] = channels == 1
                ? Clamp01(chw[i])
                : 0.299 * Clamp01(chw[i]) + 0.587 * Clamp01(chw[plane + i]) + 0.114 * Clamp01(chw[2 * plane + i]);
        }
        return gray;
    }

    /// <summary>Min-max stretch to [0, 1]; a flat region becomes all zeros instead of dividing by ~0.</summary>
    public static void StretchToUnitRange(double[] gray)
    {
        double min = double.MaxValue, max = double.MinValue;
        foreach (var v in gray)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        var range = max - min;
        for (var i = 0; i < gray.Length; i++) gray[i] = range < 1e-6 ? 0 : (gray[i] - min) / range;
    }

    // NaN also maps to 0, so a corrupt pixel cannot poison the whole vector.
    private static double Clamp01(float v) => v > 0 ? (v < 1 ? v : 1) : 0;
}
