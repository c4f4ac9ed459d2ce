namespace CaptionBoundaries.Application.Charts;

/// <summary>
/// Exponential moving average smoothing as TensorBoard and W&amp;B draw it: with weight w in [0, 1),
/// s_t = w·s_{t-1} + (1-w)·x_t from s_0 = 0, divided by the debias factor 1 - w^n (n = finite values so far), so the
/// first smoothed value is the first value rather than a fraction of it. w = 0 leaves the series as it is.
/// Non-finite values (NaN) stay as they are and do not move the average.
/// </summary>
public static class Ema
{
    public const double MaxWeight = 0.999;

    public static double[] Smooth(IReadOnlyList<double> values, double weight)
    {
        if (!(weight >= 0 && weight <= MaxWeight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, $"The smoothing weight is between 0 and {MaxWeight}.");
        var smoothed = new double[values.Count];
        double last = 0;
        var accumulated = 0;
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (!double.IsFinite(value))
            {
                smoothed[i] = value;
                continue;
            }
            last = last * weight + (1 - weight) * value;
            accumulated++;
            smoothed[i] = last / (1 - Math.Pow(weight, accumulated));
        }
        return smoothed;
    }
}
