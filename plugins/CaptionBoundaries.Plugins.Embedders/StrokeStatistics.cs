namespace CaptionBoundaries.Plugins.Embedders;

/// <summary>
/// Sixteen edge statistics that separate fonts by stroke weight and orientation: mean and spread of the
/// horizontal and vertical gradients, edge density at four thresholds, and an 8-bin magnitude-weighted
/// orientation histogram. A 1-pixel-wide or -tall region simply has no gradient in that direction.
/// </summary>
internal static class StrokeStatistics
{
    private static readonly double[] EdgeThresholds = [0.1, 0.2, 0.35, 0.5];
    private const int OrientationBins = 8;

    public static double[] Compute(double[] gray, int height, int width)
    {
        var result = new double[16];
        var (meanDx, stdDx) = Moments(HorizontalGradients(gray, height, width));
        var (meanDy, stdDy) = Moments(VerticalGradients(gray, height, width));
        result[0] = meanDx;
        result[1] = stdDx;
        result[2] = meanDy;
        result[3] = stdDy;

        // Central-difference gradients on the interior need at least 3x3 pixels; smaller regions keep zeros.
        if (height < 3 || width < 3) return result;
        var interior = (height - 2) * (width - 2);
        var orientation = new double[OrientationBins];
        double totalMagnitude = 0;
        for (var y = 1; y < height - 1; y++)
        {
            for (var x = 1; x < width - 1; x++)
            {
                var gx = (gray[y * width + x + 1] - gray[y * width + x - 1]) / 2;
                var gy = (gray[(y + 1) * width + x] - gray[(y - 1) * width + x]) / 2;
                var magnitude = Math.Sqrt(gx * gx + gy * gy);
                for (var t = 0; t < EdgeThresholds.Length; t++)
                    if (magnitude > EdgeThresholds[t]) result[4 + t]++;
                if (magnitude <= 0) continue;
                // Unsigned orientation in [0, pi): light-on-dark and dark-on-light text look the same.
                var angle = Math.Atan2(gy, gx);
                if (angle < 0) angle += Math.PI;
                var bin = Math.Min(OrientationBins - 1, (int)(angle / Math.PI * OrientationBins));
                orientation[bin] += magnitude;
                totalMagnitude += magnitude;
            }
        }
        for (var t = 0; t < EdgeThresholds.Length; t++) result[4 + t] /= interior;
        for (var b = 0; b < OrientationBins; b++)
            result[8 + b] = totalMagnitude > 0 ? orientation[b] / totalMagnitude : 0;
        return result;
    }

    private static double[] HorizontalGradients(double[] gray, int height, int width)
    {
        if (width < 2) return [];
        var result = new double[height * (width - 1)];
        var k = 0;
        for (var y = 0; y < height; y++)
            for (var x = 0; x + 1 < width; x++)
                result[k++] = Math.Abs(gray[y * width + x + 1] - gray[y * width + x]);
        return result;
    }

    private static double[] VerticalGradients(double[] gray, int height, int width)
    {
        if (height < 2) return [];
        var result = new double[(height - 1) * width];
        var k = 0;
        for (var y = 0; y + 1 < height; y++)
            for (var x = 0; x < width; x++)
                result[k++] = Math.Abs(gray[(y + 1) * width + x] - gray[y * width + x]);
        return result;
    }

    private static (double Mean, double Std) Moments(double[] values)
    {
        if (values.Length == 0) return (0, 0);
        double sum = 0;
        foreach (var v in values) sum += v;
        var mean = sum / values.Length;
        double squares = 0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(squares / values.Length));
    }
}
