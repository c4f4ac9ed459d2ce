using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace CaptionBoundaries.Bench.Load;

/// <summary>
/// `bench load` in the terminal: a progress bar per run (or per level of a concurrency sweep), a line per finished
/// second when the output is redirected, then the report tables and, if asked, the report as JSON.
/// </summary>
public static class LoadBenchConsole
{
    /// <summary>Runs the load once, or once per level of <paramref name="levels"/>; true when every request succeeded.</summary>
    public static async Task<bool> RunAsync(LoadSettings settings, IReadOnlyList<int>? levels, string? jsonPath, CancellationToken ct)
    {
        settings.Validate();
        var nodes = settings.Nodes;
        var chosen = settings.Protocol;
        var each = settings.Requests is { } n ? $"{n} requests" : $"{settings.Duration!.Value.TotalSeconds:0.#} s";
        if (levels is not null)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"Load on [bold]{settings.Model}[/] ({chosen.Name()}) across {nodes.Count} node(s) at concurrency {string.Join(", ", levels)}, {each} per level, {settings.Bodies.Count} distinct bodies.");
            var sweepReport = await RunSweepWithProgress(settings, levels, ct);
            WriteSweep(sweepReport);
            if (jsonPath is not null) await WriteJson(jsonPath, sweepReport);
            return sweepReport.Failed == 0 && !sweepReport.Cancelled && sweepReport.Levels.All(l => l.Sent > 0);
        }
        using var generator = new LoadGenerator(settings);
        AnsiConsole.MarkupLineInterpolated(
            $"Load on [bold]{settings.Model}[/] ({chosen.Name()}) across {nodes.Count} node(s), {settings.Concurrency} in flight, {each}, {settings.Bodies.Count} distinct bodies.");
        LoadReport report = null!;
        await Progress().StartAsync(async ctx => report = await RunLevel(ctx, generator, settings, "", ct));
        Write(report);
        if (jsonPath is not null) await WriteJson(jsonPath, report);
        return report.Failed == 0 && !report.Cancelled && report.Sent > 0;
    }

    private static readonly JsonSerializerOptions ReportJson = new(LoadJson.Options) { WriteIndented = true };

    private static async Task WriteJson(string path, object report)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, JsonSerializer.Serialize(report, ReportJson), CancellationToken.None);
        AnsiConsole.MarkupLineInterpolated($"Report written to {full}");
    }

    private static Progress Progress() => AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn());

    /// <summary>One progress bar per level; the levels run one after another.</summary>
    private static async Task<ConcurrencySweepReport> RunSweepWithProgress(LoadSettings settings, IReadOnlyList<int> levels, CancellationToken ct)
    {
        ConcurrencySweepReport report = null!;
        await Progress().StartAsync(async ctx =>
        {
            report = await ConcurrencySweep.RunAsync(settings, levels,
                (generator, at, token) => RunLevel(ctx, generator, at, $"c={at.Concurrency} · ", token), ct);
        });
        return report;
    }

    private static async Task<LoadReport> RunLevel(ProgressContext ctx, LoadGenerator generator, LoadSettings settings, string label, CancellationToken ct)
    {
        var interactive = AnsiConsole.Profile.Capabilities.Interactive;
        var task = ctx.AddTask($"{label}starting", maxValue: settings.Requests ?? settings.Duration!.Value.TotalSeconds);
        var run = generator.RunAsync(ct);
        var printed = 0;
        while (true)
        {
            var done = await Task.WhenAny(run, Task.Delay(250, CancellationToken.None)) == run;
            var t = generator.Recorder.Totals();
            var elapsed = generator.Elapsed.TotalSeconds;
            task.Value = settings.Requests is not null ? t.Sent : Math.Min(elapsed, task.MaxValue);
            task.Description = $"{label}ok {t.Succeeded} · [{(t.Failed > 0 ? "red" : "green")}]failed {t.Failed}[/] · failovers {t.Failovers} · " +
                               $"{(elapsed > 0 ? t.Succeeded / elapsed : 0):F0}/s · versions {Markup.Escape(string.Join(",", t.Versions))}";
            // Redirected output gets a line per finished second, so a log shows the switch or the stop as it happens.
            if (!interactive)
                foreach (var row in generator.Recorder.Timeline(settings.Nodes, printed, done ? int.MaxValue : (int)elapsed))
                {
                    AnsiConsole.MarkupLine(Markup.Escape(label + SecondLine(row, settings.Nodes)));
                    printed = row.Second + 1;
                }
            if (!done) continue;
            var report = await run;
            task.Value = task.MaxValue;
            task.StopTask();
            return report;
        }
    }

    /// <summary>The levels side by side: where throughput stops growing, more requests in flight only add waiting.</summary>
    private static void WriteSweep(ConcurrencySweepReport sweep)
    {
        var table = new Table().Title($"{Markup.Escape(sweep.Model)} ({sweep.Protocol}) by concurrency")
            .AddColumn(new TableColumn("Concurrency").RightAligned()).AddColumn(new TableColumn("Sent").RightAligned())
            .AddColumn(new TableColumn("Failed").RightAligned()).AddColumn(new TableColumn("Seconds").RightAligned())
            .AddColumn(new TableColumn("Throughput /s").RightAligned()).AddColumn(new TableColumn("p50 ms").RightAligned())
            .AddColumn(new TableColumn("p90 ms").RightAligned()).AddColumn(new TableColumn("p99 ms").RightAligned())
            .AddColumn(new TableColumn("Max ms").RightAligned()).AddColumn("Versions");
        foreach (var r in sweep.Levels)
            table.AddRow($"{r.Concurrency}", $"{r.Sent}", r.Failed > 0 ? $"[red]{r.Failed}[/]" : "0", $"{r.Seconds:F1}", $"{r.Throughput:F1}",
                $"{r.Latency.P50Ms:F1}", $"{r.Latency.P90Ms:F1}", $"{r.Latency.P99Ms:F1}", $"{r.Latency.MaxMs:F1}",
                Markup.Escape(Counts(r.PerVersion)) + (r.Cancelled ? " [yellow](cancelled)[/]" : ""));
        AnsiConsole.Write(table);
        foreach (var r in sweep.Levels.Where(r => r.FirstError is not null))
            AnsiConsole.MarkupLineInterpolated($"[red]c={r.Concurrency} first failure:[/] {r.FirstError}");
    }

    private static string SecondLine(LoadSecond s, IReadOnlyList<Uri> nodes) =>
        $"{s.Second,4}s  {s.Requests,6} req  {s.Failed,4} failed  {s.Failovers,4} failovers  p99 {s.P99Ms,8:F1} ms  versions {Counts(s.Versions)}  nodes {Counts(NodeLabels(s.ServedBy, nodes))}";

    private static void Write(LoadReport r)
    {
        var l = r.Latency;
        var outcome = r.Failed == 0 ? "[green]no failed requests[/]" : $"[red]{r.Failed} failed[/]";
        AnsiConsole.MarkupLine(
            $"[bold]{r.Sent}[/] requests in {r.Seconds:F1} s{(r.Cancelled ? " [yellow](cancelled)[/]" : "")}: {r.Succeeded} succeeded, {outcome}, {r.Failovers} failovers.");
        AnsiConsole.MarkupLine(
            $"Throughput [bold]{r.Throughput:F1}[/] succeeded/s; latency p50 {l.P50Ms:F1} ms, p90 {l.P90Ms:F1} ms, [bold]p99 {l.P99Ms:F1} ms[/], max {l.MaxMs:F1} ms.");
        AnsiConsole.MarkupLineInterpolated($"Versions that answered: {Counts(r.PerVersion)}");

        var nodes = new Table().AddColumn("Node").AddColumn("URL").AddColumn(new TableColumn("Attempts").RightAligned())
            .AddColumn(new TableColumn("Succeeded").RightAligned()).AddColumn(new TableColumn("HTTP errors").RightAligned())
            .AddColumn(new TableColumn("Connection failures").RightAligned());
        for (var i = 0; i < r.PerNode.Count; i++)
        {
            var n = r.PerNode[i];
            nodes.AddRow($"n{i + 1}", Markup.Escape(n.Url), $"{n.Attempts}", $"{n.Succeeded}", $"{n.HttpErrors}", $"{n.ConnectionFailures}");
        }
        AnsiConsole.Write(nodes);

        if (r.Failures.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Failures:[/] {string.Join(", ", r.Failures.Select(f => $"{f.Key} × {f.Value}"))}");
            AnsiConsole.MarkupLineInterpolated($"[red]First:[/] {r.FirstError}");
        }

        var urls = r.Nodes.Select(u => new Uri(u)).ToList();
        var timeline = new Table().Title("Per second (by completion)").AddColumn(new TableColumn("s").RightAligned())
            .AddColumn(new TableColumn("requests").RightAligned()).AddColumn(new TableColumn("failed").RightAligned())
            .AddColumn(new TableColumn("failovers").RightAligned()).AddColumn(new TableColumn("p50 ms").RightAligned())
            .AddColumn(new TableColumn("p99 ms").RightAligned()).AddColumn("versions").AddColumn("served by");
        foreach (var s in r.Timeline)
            timeline.AddRow($"{s.Second}", $"{s.Requests}", s.Failed > 0 ? $"[red]{s.Failed}[/]" : "0", $"{s.Failovers}",
                $"{s.P50Ms:F1}", $"{s.P99Ms:F1}", Markup.Escape(Counts(s.Versions)), Markup.Escape(Counts(NodeLabels(s.ServedBy, urls))));
        AnsiConsole.Write(timeline);
    }

    private static IReadOnlyDictionary<string, long> NodeLabels(IReadOnlyDictionary<string, long> byUrl, IReadOnlyList<Uri> nodes) =>
        byUrl.ToDictionary(p => $"n{nodes.Select(n => n.ToString()).ToList().IndexOf(p.Key) + 1}", p => p.Value);

    private static string Counts(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "—" : string.Join(" ", counts.Select(c => $"{c.Key}:{c.Value.ToString(CultureInfo.InvariantCulture)}"));
}
