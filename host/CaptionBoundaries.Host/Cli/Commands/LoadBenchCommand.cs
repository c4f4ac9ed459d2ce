using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CaptionBoundaries.Host.Cli.Load;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `bench load`: a bounded load test of the predict endpoint across the nodes of a local cluster (loopback only),
/// with failover between nodes, so a version switch or a node stop during the run shows up in the timeline.
/// </summary>
public static class LoadBenchCommand
{
    public static Command Create()
    {
        var urls = new Option<string[]>("--url")
        {
            Description = "Base URL of a node (repeat for each node); loopback hosts only",
            DefaultValueFactory = _ => [ServerApiClient.DefaultServer],
        };
        var model = new Option<string>("--model") { Description = "Served model name", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder the request bodies point into (a path the servers can read)", Required = true };
        var split = new Option<string>("--split") { Description = "Samples to send: val, train or all", DefaultValueFactory = _ => "all" };
        split.AcceptOnlyFromAmong("val", "train", "all");
        var duration = new Option<string?>("--duration") { Description = "How long to send, e.g. 30s, 2m (default 30s unless --requests)" };
        var requests = new Option<int?>("--requests") { Description = "Send this many requests instead of running for a duration" };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 8 };
        var timeout = new Option<string>("--timeout") { Description = "A request with no answer by then fails", DefaultValueFactory = _ => "30s" };
        var backoff = new Option<string>("--backoff") { Description = "How long a node that refused a connection is passed over", DefaultValueFactory = _ => "1s" };
        var json = new Option<string?>("--json") { Description = "Also write the full report (with the per-second timeline) to this JSON file" };
        var command = new Command("load",
            "Load-test the predict endpoint across nodes (loopback only): throughput, p50/p90/p99, failovers, per-node and per-version " +
            "counts and a per-second timeline. Exits non-zero if any request failed. Token: --token or CAPTIONBOUNDARIES_TOKEN.")
        {
            urls, model, dataset, split, duration, requests, concurrency, timeout, backoff, json,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            // Refuse a non-loopback URL before reading anything else.
            var nodes = LoopbackGuard.Parse(parse.GetValue(urls) ?? []);
            var count = parse.GetValue(requests);
            if (count is not null && parse.GetValue(duration) is not null) throw new ArgumentException("Give --duration or --requests, not both.");
            var settings = new LoadSettings
            {
                Nodes = nodes,
                Model = parse.GetValue(model)!,
                Token = parse.GetValue(GlobalOptions.Token) ?? Environment.GetEnvironmentVariable(ServerApiClient.TokenVariable),
                Bodies = Bodies(parse.GetValue(dataset)!, parse.GetValue(split)!, count),
                Requests = count,
                Duration = count is null ? DurationText.Parse(parse.GetValue(duration) ?? "30s") : null,
                Concurrency = parse.GetValue(concurrency),
                Timeout = DurationText.Parse(parse.GetValue(timeout)!),
                Backoff = DurationText.Parse(parse.GetValue(backoff)!),
            };
            using var generator = new LoadGenerator(settings);
            AnsiConsole.MarkupLineInterpolated(
                $"Load on [bold]{settings.Model}[/] across {nodes.Count} node(s), {settings.Concurrency} in flight, {(count is { } n ? $"{n} requests" : $"{settings.Duration!.Value.TotalSeconds:0.#} s")}, {settings.Bodies.Count} distinct bodies.");
            var report = await RunWithProgress(generator, settings, ct);
            Write(report);
            if (parse.GetValue(json) is { } path)
            {
                var full = Path.GetFullPath(path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, JsonSerializer.Serialize(report, ReportJson), CancellationToken.None);
                AnsiConsole.MarkupLineInterpolated($"Report written to {full}");
            }
            return report.Failed == 0 && !report.Cancelled && report.Sent > 0 ? CliErrors.Ok : CliErrors.Failed;
        }));
        return command;
    }

    private static readonly JsonSerializerOptions ReportJson = new(ServerApiClient.Json) { WriteIndented = true };

    /// <summary>Request bodies from the dataset, in the replay order `monitor simulate` uses; a bounded set, reused in turn.</summary>
    private static IReadOnlyList<byte[]> Bodies(string folder, string split, int? requests)
    {
        var bodies = MonitorSimulation.Prepare(folder, new SimulationOptions { Count = Math.Min(requests ?? 512, 512), Split = split, Seed = 1 }, out var cleanup);
        cleanup();
        return LoadGenerator.Serialize(bodies);
    }

    private static async Task<LoadReport> RunWithProgress(LoadGenerator generator, LoadSettings settings, CancellationToken ct)
    {
        var interactive = AnsiConsole.Profile.Capabilities.Interactive;
        LoadReport report = null!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: settings.Requests ?? settings.Duration!.Value.TotalSeconds);
                var run = generator.RunAsync(ct);
                var printed = 0;
                while (true)
                {
                    var done = await Task.WhenAny(run, Task.Delay(250, CancellationToken.None)) == run;
                    var t = generator.Recorder.Totals();
                    var elapsed = generator.Elapsed.TotalSeconds;
                    task.Value = settings.Requests is not null ? t.Sent : Math.Min(elapsed, task.MaxValue);
                    task.Description = $"ok {t.Succeeded} · [{(t.Failed > 0 ? "red" : "green")}]failed {t.Failed}[/] · failovers {t.Failovers} · " +
                                       $"{(elapsed > 0 ? t.Succeeded / elapsed : 0):F0}/s · versions {Markup.Escape(string.Join(",", t.Versions))}";
                    // Redirected output gets a line per finished second, so a log shows the switch or the stop as it happens.
                    if (!interactive)
                        foreach (var row in generator.Recorder.Timeline(settings.Nodes, printed, done ? int.MaxValue : (int)elapsed))
                        {
                            AnsiConsole.MarkupLine(Markup.Escape(SecondLine(row, settings.Nodes)));
                            printed = row.Second + 1;
                        }
                    if (!done) continue;
                    report = await run;
                    task.Value = task.MaxValue;
                    task.StopTask();
                    break;
                }
            });
        return report;
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
