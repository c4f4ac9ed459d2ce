namespace CaptionBoundaries.Plugins.Embedders;

/// <summary>
/// Area-averages a profile of any length (even 1) onto a fixed number of bins, so regions of every
/// size give vectors of the same width and a stretched caption gives a similar profile.
/// </summary>
internal static class BinResampler
{
    public static double[] Resample(double[] source, int bins)
    {
        var result = new double[bins];
        if (source.Length == 0) return result;
        var scale = (double)source.Length / bins;
        for (var b = 0; b < bins; b++)
        {
            var start = b * scale;
            var end = (b + 1) * scale;
            double sum = 0, weight = 0;
            for (var i = (int)Math.Floor(start); i < Math.Min(source.Length, (int)Math.Ceiling(end)); i++)
            {
                var overlap = Math.Min(end, i + 1) - Math.Max(start, i);
                if (overlap <= 0) continue;
                sum += source[i] * overlap;
                weight += overlap;
            }
            result[b] = weight > 0 ? sum / weight : 0;
        }
        return result;
    }
}
