using System.Globalization;
using CaptionBoundaries.Domain.Common;
using Spectre.Console;

namespace CaptionBoundaries.Bench.Tracking;

/// <summary>`bench tracking` in the terminal: a progress bar per pass, then every pass, the medians and the paired ratios.</summary>
public static class TrackingIngestConsole
{
    public static async Task<IReadOnlyList<IngestPass>> RunAsync(TrackingIngestBench bench, TrackingIngestRequest request, CancellationToken ct)
    {
        IReadOnlyList<IngestPass> passes = [];
        await AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                passes = await bench.RunAsync(request, (label, done, total) =>
                {
                    if (!tasks.TryGetValue(label, out var task)) tasks[label] = task = ctx.AddTask(label, maxValue: total);
                    task.Value = done;
                }, ct);
            });

        var table = new Table().AddColumns("provider", "repeat", "points", "seconds", "metrics/s", "load avg (1/5/15 min) before");
        foreach (var p in passes)
            table.AddRow(p.Provider, p.Repeat.ToString(CultureInfo.InvariantCulture), p.Points.ToString("N0", CultureInfo.InvariantCulture),
                p.Seconds.ToString("F3", CultureInfo.InvariantCulture), p.PointsPerSecond.ToString("N0", CultureInfo.InvariantCulture), p.LoadAverage);
        AnsiConsole.Write(table);
        foreach (var group in passes.GroupBy(p => p.Provider))
            AnsiConsole.MarkupLineInterpolated(
                $"[bold]{group.Key}[/]: median {Median.Of(group.Select(p => p.PointsPerSecond).ToList()).ToString("N0", CultureInfo.InvariantCulture)} metrics/s over {group.Count()} passes of {request.Batches} log-batch calls × {request.BatchSize} points");
        var sqlite = passes.Where(p => p.Provider == "sqlite").ToList();
        var postgres = passes.Where(p => p.Provider == "postgres").ToList();
        if (postgres.Count == sqlite.Count && postgres.Count > 0)
        {
            var ratios = sqlite.Zip(postgres, (s, p) => p.PointsPerSecond / s.PointsPerSecond).ToList();
            AnsiConsole.MarkupLineInterpolated(
                $"postgres / sqlite, pair by pair: {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}; median {Median.Of(ratios).ToString("F2", CultureInfo.InvariantCulture)}");
        }
        return passes;
    }
}
