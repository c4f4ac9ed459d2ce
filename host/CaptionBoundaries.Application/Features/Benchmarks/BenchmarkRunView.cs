using System.Text.Json;
using CaptionBoundaries.Domain.Benchmarks;

namespace CaptionBoundaries.Application.Features.Benchmarks;

/// <summary>A benchmark run with its per-version results, as the API and CLI show it.</summary>
public sealed record BenchmarkRunView(
    Guid Id,
    string ModelName,
    string DatasetIdentity,
    string DatasetName,
    string Split,
    DateTime CreatedAtUtc,
    string Device,
    IReadOnlyList<BenchmarkResultView> Results)
{
    public static BenchmarkRunView From(BenchmarkRun run) => new(run.Id, run.ModelName, run.DatasetIdentity, run.DatasetName,
        run.Split, run.CreatedAtUtc, run.Device, run.Results.OrderBy(r => r.Version).Select(BenchmarkResultView.From).ToList());
}

public sealed record BenchmarkResultView(
    int Version,
    string CheckpointSha256,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double ThroughputPerSecond,
    double Accuracy,
    double MacroF1,
    IReadOnlyDictionary<string, double> PerClassF1,
    int Samples)
{
    public static BenchmarkResultView From(BenchmarkResult r) => new(r.Version, r.CheckpointSha256, r.LatencyP50Ms, r.LatencyP95Ms,
        r.ThroughputPerSecond, r.Accuracy, r.MacroF1,
        JsonSerializer.Deserialize<Dictionary<string, double>>(r.PerClassF1Json) ?? [], r.Samples);
}
