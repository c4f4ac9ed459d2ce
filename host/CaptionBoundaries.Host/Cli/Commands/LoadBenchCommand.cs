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
        var sweep = new Option<string?>("--concurrency-sweep")
        {
            Description = "Run the load once per level, e.g. 1,8,32 (each level gets the whole --requests or --duration), and compare them side by side",
        };
        var protocol = new Option<string>("--protocol")
        {
            Description = "rest: POST /api/models/{model}/predict; v2: POST /v2/models/{model}/infer (Open Inference Protocol, images as base64 BYTES)",
            DefaultValueFactory = _ => "rest",
        };
        protocol.AcceptOnlyFromAmong([.. LoadProtocols.Names]);
        var json = new Option<string?>("--json") { Description = "Also write the full report (with the per-second timeline) to this JSON file" };
        var command = new Command("load",
            "Load-test the predict endpoint across nodes (loopback only): throughput, p50/p90/p99, failovers, per-node and per-version " +
            "counts and a per-second timeline; with --concurrency-sweep, one run per level side by side. Exits non-zero if any request failed. " +
            "Token: --token or CAPTIONBOUNDARIES_TOKEN.")
        {
            urls, model, dataset, split, duration, requests, concurrency, sweep, protocol, timeout, backoff, json,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            // Refuse a non-loopback URL before reading anything else.
            var nodes = LoopbackGuard.Parse(parse.GetValue(urls) ?? []);
            var count = parse.GetValue(requests);
            if (count is not null && parse.GetValue(duration) is not null) throw new ArgumentException("Give --duration or --requests, not both.");
            var levels = parse.GetValue(sweep) is { } text ? ConcurrencySweep.ParseLevels(text) : null;
            if (levels is not null && parse.GetResult(concurrency) is { Implicit: false })
                throw new ArgumentException("Give --concurrency or --concurrency-sweep, not both.");
            var chosen = LoadProtocols.Parse(parse.GetValue(protocol)!);
            var settings = new LoadSettings
            {
                Nodes = nodes,
                Model = parse.GetValue(model)!,
                Token = parse.GetValue(GlobalOptions.Token) ?? Environment.GetEnvironmentVariable(ServerApiClient.TokenVariable),
                Protocol = chosen,
                Bodies = Bodies(parse.GetValue(dataset)!, parse.GetValue(split)!, count, chosen),
                Requests = count,
                Duration = count is null ? DurationText.Parse(parse.GetValue(duration) ?? "30s") : null,
                Concurrency = levels?[0] ?? parse.GetValue(concurrency),
                Timeout = DurationText.Parse(parse.GetValue(timeout)!),
                Backoff = DurationText.Parse(parse.GetValue(backoff)!),
            };
            settings.Validate();
            var each = count is { } n ? $"{n} requests" : $"{settings.Duration!.Value.TotalSeconds:0.#} s";
            var jsonPath = parse.GetValue(json);
            if (levels is not null)
            {
                AnsiConsole.MarkupLineInterpolated(
                    $"Load on [bold]{settings.Model}[/] ({chosen.Name()}) across {nodes.Count} node(s) at concurrency {string.Join(", ", levels)}, {each} per level, {settings.Bodies.Count} distinct bodies.");
                var sweepReport = await RunSweepWithProgress(settings, levels, ct);
                WriteSweep(sweepReport);
                if (jsonPath is not null) await WriteJson(jsonPath, sweepReport);
                return sweepReport.Failed == 0 && !sweepReport.Cancelled && sweepReport.Levels.All(l => l.Sent > 0) ? CliErrors.Ok : CliErrors.Failed;
            }
            using var generator = new LoadGenerator(settings);
            AnsiConsole.MarkupLineInterpolated(
                $"Load on [bold]{settings.Model}[/] ({chosen.Name()}) across {nodes.Count} node(s), {settings.Concurrency} in flight, {each}, {settings.Bodies.Count} distinct bodies.");
            LoadReport report = null!;
            await Progress().StartAsync(async ctx => report = await RunLevel(ctx, generator, settings, "", ct));
            Write(report);
            if (jsonPath is not null) await WriteJson(jsonPath, report);
            return report.Failed == 0 && !report.Cancelled && report.Sent > 0 ? CliErrors.Ok : CliErrors.Failed;
        }));
        return command;
    }

    private static readonly JsonSerializerOptions ReportJson = new(ServerApiClient.Json) { WriteIndented = true };

    private static async Task WriteJson(string path, object report)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, JsonSerializer.Serialize(report, ReportJson), CancellationToken.None);
        AnsiConsole.MarkupLineInterpolated($"Report written to {full}");
    }

    /// <summary>
    /// Request bodies from the dataset, in the replay order `monitor simulate` uses; a bounded set, reused in turn. For
    /// v2 each is turned into an inference request with the same images and features.
    /// </summary>
    private static IReadOnlyList<byte[]> Bodies(string folder, string split, int? requests, LoadProtocol protocol)
    {
        var bodies = MonitorSimulation.Prepare(folder, new SimulationOptions { Count = Math.Min(requests ?? 512, 512), Split = split, Seed = 1 }, out var cleanup);
        cleanup();
        var rest = LoadGenerator.Serialize(bodies);
        return protocol == LoadProtocol.V2 ? rest.Select(OpenInferenceBody.FromRestBody).ToList() : rest;
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
