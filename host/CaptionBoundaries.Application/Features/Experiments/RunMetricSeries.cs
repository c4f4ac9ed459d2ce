using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>One point of a metric series; <see cref="Value"/> is NaN where the client logged NaN.</summary>
public sealed record MetricPoint(long Step, double Value, long TimestampMs);

/// <summary>
/// A run's metric series under one key, in step order. <see cref="TotalPoints"/> is how many were logged; when that is
/// more than were asked for, <see cref="Points"/> holds every k-th of them (and always the last).
/// </summary>
public sealed record MetricSeriesDetail(string Key, IReadOnlyList<MetricPoint> Points, int TotalPoints);

/// <summary>Reads a run's <see cref="RunMetric"/> series (an MLflow client's logged metrics, a native run's per-step loss).</summary>
public static class RunMetricSeries
{
    /// <summary>Enough for any chart on a screen; a long run's series is thinned evenly to this.</summary>
    public const int DefaultMaxPoints = 5_000;

    /// <summary>Every series of the run by key; each at most <paramref name="maxPointsPerSeries"/> points (null: all).</summary>
    public static async Task<IReadOnlyList<MetricSeriesDetail>> LoadAsync(TrackingDbContext db, Guid runId, int? maxPointsPerSeries, CancellationToken ct)
    {
        var counts = await db.RunMetrics.AsNoTracking().Where(m => m.ExperimentId == runId)
            .GroupBy(m => m.Key).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        if (counts.Count == 0) return [];
        var points = counts.Keys.ToDictionary(k => k, _ => new List<MetricPoint>());
        var seen = counts.Keys.ToDictionary(k => k, _ => 0);
        // Streamed, so a series of millions of points is never held whole when only a few thousand are kept.
        var rows = db.RunMetrics.AsNoTracking().Where(m => m.ExperimentId == runId)
            .OrderBy(m => m.Key).ThenBy(m => m.Step).ThenBy(m => m.TimestampMs).ThenBy(m => m.Id)
            .Select(m => new { m.Key, m.Step, m.Value, m.IsNaN, m.TimestampMs }).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct))
        {
            var total = counts[row.Key];
            var stride = maxPointsPerSeries is { } max && total > max ? (int)Math.Ceiling(total / (double)max) : 1;
            var index = seen[row.Key]++;
            if (index % stride == 0 || index == total - 1)
                points[row.Key].Add(new MetricPoint(row.Step, row.IsNaN ? double.NaN : row.Value, row.TimestampMs));
        }
        return points.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new MetricSeriesDetail(p.Key, p.Value, counts[p.Key])).ToList();
    }

    /// <summary>A run's logged parameters (MLflow's log-param), by key.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ParamsAsync(TrackingDbContext db, Guid runId, CancellationToken ct) =>
        new SortedDictionary<string, string>(
            await db.RunParams.AsNoTracking().Where(p => p.ExperimentId == runId).ToDictionaryAsync(p => p.Key, p => p.Value, ct),
            StringComparer.Ordinal);
}
