namespace CaptionBoundaries.Bench.Load;

/// <summary>Latency percentiles of the succeeded requests, in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0);

    public static LatencySummary Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0) return Empty;
        var sorted = milliseconds.Order().ToArray();
        return new LatencySummary(sorted.Length, Percentiles.NearestRank(sorted, 50), Percentiles.NearestRank(sorted, 90),
            Percentiles.NearestRank(sorted, 99), sorted[^1], sorted.Average());
    }
}

public static class Percentiles
{
    /// <summary>
    /// Nearest-rank percentile of sorted values: the smallest value with at least p% of the values at or below it.
    /// Always one of the measured values (no interpolation), so a p99 of 100 samples is the 99th slowest-but-one.
    /// </summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double percent)
    {
        if (sorted.Count == 0) throw new ArgumentException("No values to take a percentile of.", nameof(sorted));
        if (percent is <= 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent), percent, "Percent must be in (0, 100].");
        // percent * count first: 0.99 * 100 is 99.00000000000001 in doubles, which would round the rank up by one.
        var rank = (int)Math.Ceiling(percent * sorted.Count / 100 - 1e-9);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
