namespace CaptionBoundaries.Domain.Benchmarks;

/// <summary>
/// Nearest-rank percentiles: the reported latency is one that was actually observed, never an interpolation
/// between two samples, which matters when a benchmark has only a handful of them.
/// </summary>
public static class LatencyPercentiles
{
    public static double Of(IReadOnlyList<double> values, double percentile)
    {
        if (values.Count == 0) throw new ArgumentException("Percentiles need at least one value.", nameof(values));
        if (percentile is <= 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "Use a percentile in (0, 100].");
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
