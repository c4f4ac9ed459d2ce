using CaptionBoundaries.Application.Features.Benchmarks;

namespace CaptionBoundaries.Ui.Models;

/// <summary>A version's latest benchmark measurements, as the card's charts plot them.</summary>
public sealed record VersionBenchmark(int Version, double MacroF1, double Accuracy, double LatencyP50Ms, double LatencyP95Ms)
{
    public string Label => $"v{Version}";

    /// <summary>Benchmarked versions of a comparison, in version order; versions never benchmarked are left out.</summary>
    public static IReadOnlyList<VersionBenchmark> From(ModelVersionComparison comparison)
    {
        double? Number(string key, int index) => comparison.Rows.FirstOrDefault(r => r.Key == key)?.Numbers?[index];
        return comparison.Versions
            .Select((v, i) => (v.Version, F1: Number("macro_f1", i), Acc: Number("accuracy", i), P50: Number("latency_p50_ms", i), P95: Number("latency_p95_ms", i)))
            .Where(x => x.F1 is not null)
            .OrderBy(x => x.Version)
            .Select(x => new VersionBenchmark(x.Version, x.F1!.Value, x.Acc ?? 0, x.P50 ?? 0, x.P95 ?? 0))
            .ToList();
    }

    /// <summary>Each version's result from its most recent run (runs come newest first), like the comparison takes them.</summary>
    public static IReadOnlyList<VersionBenchmark> From(IReadOnlyList<BenchmarkRunView> runs) =>
        runs.OrderByDescending(r => r.CreatedAtUtc)
            .SelectMany(r => r.Results)
            .GroupBy(r => r.Version)
            .Select(g => g.First())
            .OrderBy(r => r.Version)
            .Select(r => new VersionBenchmark(r.Version, r.MacroF1, r.Accuracy, r.LatencyP50Ms, r.LatencyP95Ms))
            .ToList();
}
