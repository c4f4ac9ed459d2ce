using CaptionBoundaries.Domain.Benchmarks;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Benchmarks;

/// <summary>The most recent benchmark result of each version of a model, with the run it came from.</summary>
public static class LatestResults
{
    public sealed record Entry(BenchmarkRun Run, BenchmarkResultView Result);

    public static async Task<IReadOnlyDictionary<int, Entry>> ForModelAsync(TrackingDbContext db, string model, CancellationToken ct)
    {
        var runs = await db.BenchmarkRuns.AsNoTracking().Include(r => r.Results)
            .Where(r => r.ModelName == model).ToListAsync(ct);
        // Grouped in memory: a model has few runs, and "latest per version" is awkward to express portably across providers.
        return runs.OrderByDescending(r => r.CreatedAtUtc)
            .SelectMany(run => run.Results.Select(result => new Entry(run, BenchmarkResultView.From(result))))
            .GroupBy(e => e.Result.Version)
            .ToDictionary(g => g.Key, g => g.First());
    }
}
