using CaptionBoundaries.Application.Charts;
using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>
/// A served model's benchmarks as a report. Main table (the CSV): one row per benchmark run and version with its
/// latency, throughput, accuracy, macro-F1 and per-class F1; charts of macro-F1 and p95 latency by version, one line
/// per benchmark run.
/// </summary>
public static class BenchmarkReport
{
    public static Report Build(string model, IReadOnlyList<BenchmarkRunView> runs, DateTime now)
    {
        var columns = new List<string>
        {
            "benchmark_run_id", "benchmarked_at_utc", "dataset", "dataset_identity", "split", "device", "version", "checkpoint_sha256",
            "samples", "accuracy", "macro_f1", "latency_p50_ms", "latency_p95_ms", "throughput_per_second",
        };
        columns.AddRange(TaskSpec.Classes.Select(c => BenchmarkMetrics.PerClassF1Prefix + c));
        var rows = runs.SelectMany(run => run.Results.Select(r =>
        {
            var cells = new List<ReportCell>
            {
                ReportCell.Of(run.Id.ToString("N")), ReportCell.Of(run.CreatedAtUtc), ReportCell.Of(run.DatasetName), ReportCell.Of(run.DatasetIdentity),
                ReportCell.Of(run.Split), ReportCell.Of(run.Device), ReportCell.Of(r.Version), ReportCell.Of(r.CheckpointSha256), ReportCell.Of(r.Samples),
                ReportCell.Of(r.Accuracy), ReportCell.Of(r.MacroF1), ReportCell.Of(r.LatencyP50Ms), ReportCell.Of(r.LatencyP95Ms), ReportCell.Of(r.ThroughputPerSecond),
            };
            cells.AddRange(TaskSpec.Classes.Select(c => r.PerClassF1.TryGetValue(c, out var f1) ? ReportCell.Of(f1) : ReportCell.Empty));
            return (IReadOnlyList<ReportCell>)cells;
        })).ToList();

        // Oldest first, so the legend reads in the order the benchmarks were run.
        var ordered = runs.OrderBy(r => r.CreatedAtUtc).ToList();
        ReportChart ByVersion(string id, string title, string yLabel, Func<BenchmarkResultView, double> value) =>
            new ReportLineChart(id, title, "version", yLabel, true, ordered.Select(run => new ChartSeries(
                $"{run.CreatedAtUtc:yyyy-MM-dd HH:mm} {run.DatasetName} ({run.Split})",
                run.Results.OrderBy(r => r.Version).Select(r => new LinePoint(r.Version, value(r))).ToList())).ToList());

        var facts = new List<ReportFact>
        {
            new("model", model),
            new("benchmark runs", runs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        return new Report("benchmark", $"Benchmarks of {model}", now, facts,
            [new("benchmarks", "Benchmark results", columns, rows)],
            [ByVersion("macro-f1", "Macro-F1 by version", "macro-F1", r => r.MacroF1), ByVersion("latency-p95", "p95 latency by version (ms)", "ms", r => r.LatencyP95Ms)])
        { FileStem = $"benchmarks-{model}" };
    }
}
