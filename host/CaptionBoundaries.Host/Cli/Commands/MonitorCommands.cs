using System.CommandLine;
using CaptionBoundaries.Application.Features.Monitoring;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Infrastructure.Monitoring;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>`monitor simulate|status|alerts|ack|settings|reference|bench`: production monitoring over a running server's API.</summary>
public static class MonitorCommands
{
    private const string ViaServer = ModelBenchmarkCommands.ViaServer;

    public static readonly Option<string> Server = new("--server")
    {
        Description = "Base URL of a running `serve`",
        DefaultValueFactory = _ => ServerApiClient.DefaultServer,
        Recursive = true,
    };

    public static Command Create()
    {
        var monitor = new Command("monitor", $"Production monitoring: prediction log, drift windows, alerts. {ViaServer}") { Server };
        monitor.Subcommands.Add(Simulate());
        monitor.Subcommands.Add(Status());
        monitor.Subcommands.Add(Alerts());
        monitor.Subcommands.Add(Acknowledge());
        monitor.Subcommands.Add(Settings());
        monitor.Subcommands.Add(Reference());
        monitor.Subcommands.Add(Bench());
        return monitor;
    }

    private static Command Simulate()
    {
        var model = new Argument<string>("model") { Description = "Served model name" };
        var dataset = new Argument<string>("dataset") { Description = "Dataset folder to replay (a path the server can read)" };
        var shift = new Option<string>("--shift")
        {
            Description = "none, brightness (brighter frames), caption_free (captions painted out, empty OCR), class_skew (mostly one class)",
            DefaultValueFactory = _ => StreamShifts.None,
        };
        shift.AcceptOnlyFromAmong([.. StreamShifts.Names]);
        var count = new Option<int>("--count") { Description = "Predictions to send", DefaultValueFactory = _ => 300 };
        var split = new Option<string>("--split") { Description = "Samples to replay: val, train or all", DefaultValueFactory = _ => "all" };
        split.AcceptOnlyFromAmong("val", "train", "all");
        var seed = new Option<int>("--seed") { Description = "Seed of the replay order", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 4 };
        var skewClass = new Option<string>("--skew-class") { Description = "Class favoured by class_skew", DefaultValueFactory = _ => "same" };
        skewClass.AcceptOnlyFromAmong([.. TaskSpec.Classes]);
        var skewShare = new Option<double>("--skew-share") { Description = "Share of class_skew picks from --skew-class", DefaultValueFactory = _ => 0.8 };
        var brightness = new Option<double>("--brightness") { Description = "Added to every pixel by the brightness shift (share of full scale)", DefaultValueFactory = _ => 0.35 };
        var command = new Command("simulate",
            $"Replay a dataset through serving, optionally shifted, then show the drift scores and alerts it caused. {ViaServer}")
            { model, dataset, shift, count, split, seed, concurrency, skewClass, skewShare, brightness };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            var name = parse.GetValue(model)!;
            var options = new SimulationOptions
            {
                Shift = parse.GetValue(shift)!,
                Count = parse.GetValue(count),
                Split = parse.GetValue(split)!,
                Seed = parse.GetValue(seed),
                Concurrency = parse.GetValue(concurrency),
                SkewClass = parse.GetValue(skewClass)!,
                SkewShare = parse.GetValue(skewShare),
                Brightness = parse.GetValue(brightness),
            };
            var simulation = new MonitorSimulation(client);
            SimulationResult result = null!;
            await AnsiConsole.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask($"{name} ← {Path.GetFileName(Path.GetFullPath(parse.GetValue(dataset)!))} ({options.Shift})", maxValue: options.Count);
                result = await simulation.RunAsync(name, parse.GetValue(dataset)!, options, new Progress<int>(n => task.Value = n), ct);
            });
            AnsiConsole.MarkupLineInterpolated(
                $"Sent {result.Sent} predictions ({result.Failed} failed) in {result.Seconds:F1} s ({result.PerSecond:F1}/s), answered by version(s) {string.Join(", ", result.Versions)}.");
            AnsiConsole.MarkupLineInterpolated($"Predicted: {string.Join("  ", TaskSpec.Classes.Select(c => $"{c}={result.Predicted.GetValueOrDefault(c)}"))}");
            if (result.FirstError is not null) AnsiConsole.MarkupLineInterpolated($"[yellow]first failure:[/] {result.FirstError}");
            WriteDashboard(await simulation.FlushAndReadAsync(name, ct));
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Status()
    {
        var model = new Argument<string?>("model") { Description = "Served model name (none: every model)", Arity = ArgumentArity.ZeroOrOne };
        var version = new Option<int?>("--version") { Description = "Version (default: the active one)" };
        var command = new Command("status", $"Drift scores of the latest windows against the reference, and open alerts. {ViaServer}") { model, version };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            if (parse.GetValue(model) is not { } name)
            {
                var models = await client.Get<List<MonitoredModelSummary>>("api/monitoring/models", ct);
                var table = new Table().AddColumn("Model").AddColumn("Active").AddColumn(new TableColumn("Predictions").RightAligned())
                    .AddColumn("Last prediction (UTC)").AddColumn("Last evaluation (UTC)").AddColumn(new TableColumn("Open alerts").RightAligned()).AddColumn("References");
                foreach (var m in models)
                    table.AddRow(Markup.Escape(m.Model), m.ActiveVersion?.ToString() ?? "-", m.Predictions.ToString(),
                        m.LastPredictionUtc?.ToString("MM-dd HH:mm:ss") ?? "-", m.LastEvaluationUtc?.ToString("MM-dd HH:mm:ss") ?? "-",
                        m.OpenAlerts > 0 ? $"[red]{m.OpenAlerts}[/]" : "0",
                        Markup.Escape(string.Join(", ", m.References.Select(r => $"v{r.Version} {r.Status}"))));
                AnsiConsole.Write(table);
                var log = await client.Get<PredictionLogStatistics>("api/monitoring/log", ct);
                AnsiConsole.MarkupLineInterpolated($"Prediction log: {(log.Enabled ? "on" : "off")}, {log.Written} written, {log.Pending} buffered, {log.Dropped} dropped, {log.Flushes} flushes.");
                return CliErrors.Ok;
            }
            var query = parse.GetValue(version) is { } v ? $"?version={v}" : "";
            WriteDashboard(await client.Get<MonitoringDashboard>($"api/monitoring/models/{Uri.EscapeDataString(name)}{query}", ct));
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Alerts()
    {
        var model = new Argument<string?>("model") { Description = "Served model name (none: every model)", Arity = ArgumentArity.ZeroOrOne };
        var status = new Option<string?>("--status") { Description = "open, acknowledged, resolved or active (default: all)" };
        var limit = new Option<int>("--limit") { Description = "Most alerts to show", DefaultValueFactory = _ => 50 };
        var command = new Command("alerts", $"Drift alerts, newest first. {ViaServer}") { model, status, limit };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            var query = new List<string> { $"limit={parse.GetValue(limit)}" };
            if (parse.GetValue(model) is { } m) query.Add($"model={Uri.EscapeDataString(m)}");
            if (parse.GetValue(status) is { } s) query.Add($"status={Uri.EscapeDataString(s)}");
            var alerts = await client.Get<List<AlertView>>($"api/monitoring/alerts?{string.Join("&", query)}", ct);
            if (alerts.Count == 0) AnsiConsole.MarkupLine("[grey]No alerts.[/]");
            else WriteAlerts(alerts);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Acknowledge()
    {
        var id = new Argument<long>("id") { Description = "Alert id" };
        var command = new Command("ack", $"Acknowledge an alert (it keeps suppressing repeats until resolved). {ViaServer}") { id };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            var alert = await client.Post<AlertView>($"api/monitoring/alerts/{parse.GetValue(id)}/acknowledge", new { }, ct);
            WriteAlerts([alert]);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Settings()
    {
        var model = new Argument<string>("model") { Description = "Served model name" };
        var window = new Option<int?>("--window") { Description = "Window size (last N predictions)" };
        var every = new Option<int?>("--every") { Description = "Evaluate after this many new predictions" };
        var minWindow = new Option<int?>("--min-window") { Description = "Smallest window that is evaluated" };
        var bins = new Option<int?>("--psi-bins") { Description = "Most PSI bins" };
        var psi = new Option<double?>("--psi") { Description = "PSI threshold on confidence" };
        var js = new Option<double?>("--class-js") { Description = "Jensen-Shannon threshold (bits) on the class distribution" };
        var chi2 = new Option<double?>("--class-chi2-alpha") { Description = "Chi-square p-value below which the class counts alert" };
        var ks = new Option<double?>("--input-ks-alpha") { Description = "KS p-value below which an input statistic alerts" };
        var resolve = new Option<int?>("--resolve-after") { Description = "Clean windows in a row that resolve an open alert" };
        var command = new Command("settings", $"Show or change a model's window and thresholds (only the options given change). {ViaServer}")
            { model, window, every, minWindow, bins, psi, js, chi2, ks, resolve };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            var path = $"api/monitoring/models/{Uri.EscapeDataString(parse.GetValue(model)!)}/settings";
            var current = await client.Get<MonitoringSettingsView>(path, ct);
            var s = current.Settings;
            var changed = s with
            {
                WindowSize = parse.GetValue(window) ?? s.WindowSize,
                EvaluateEvery = parse.GetValue(every) ?? s.EvaluateEvery,
                MinWindow = parse.GetValue(minWindow) ?? s.MinWindow,
                PsiBins = parse.GetValue(bins) ?? s.PsiBins,
                PsiThreshold = parse.GetValue(psi) ?? s.PsiThreshold,
                ClassJsThreshold = parse.GetValue(js) ?? s.ClassJsThreshold,
                ClassChi2Alpha = parse.GetValue(chi2) ?? s.ClassChi2Alpha,
                InputKsAlpha = parse.GetValue(ks) ?? s.InputKsAlpha,
                ResolveAfterCleanWindows = parse.GetValue(resolve) ?? s.ResolveAfterCleanWindows,
            };
            if (changed != s) current = await client.Put<MonitoringSettingsView>(path, changed, ct);
            WriteSettings(current);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Reference()
    {
        var model = new Argument<string>("model") { Description = "Served model name" };
        var version = new Argument<int>("version") { Description = "Version" };
        var dataset = new Option<string?>("--dataset") { Description = "Recompute from this dataset folder (default: show; with --recompute, the training run's dataset)" };
        var split = new Option<string?>("--split") { Description = "val (default), train or all" };
        var recompute = new Option<bool>("--recompute") { Description = "Compute the reference again" };
        var command = new Command("reference", $"Show (or recompute) a version's reference distributions. {ViaServer}") { model, version, dataset, split, recompute };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            var path = $"api/monitoring/models/{Uri.EscapeDataString(parse.GetValue(model)!)}/versions/{parse.GetValue(version)}/reference";
            ReferenceView reference;
            if (parse.GetValue(recompute) || parse.GetValue(dataset) is not null)
            {
                var folder = parse.GetValue(dataset) is { } d ? Path.GetFullPath(d) : null;
                reference = await client.Post<ReferenceView>(path, new { dataset_folder = folder, split = parse.GetValue(split) }, ct);
                reference = await AnsiConsole.Status().StartAsync("Computing the reference…", async _ =>
                {
                    while (reference.Status == ModelReference.Pending)
                    {
                        await Task.Delay(500, ct);
                        reference = await client.Get<ReferenceView>(path, ct);
                    }
                    return reference;
                });
            }
            else reference = await client.Get<ReferenceView>(path, ct);
            AnsiConsole.MarkupLineInterpolated($"v{reference.Version}: [bold]{reference.Status}[/] {reference.Note}");
            if (reference.ClassCounts is { } classes)
            {
                AnsiConsole.MarkupLineInterpolated($"{reference.SampleCount} samples of {reference.DatasetFolder} ({reference.Split}), accuracy {reference.Accuracy:P1}");
                var chart = new BarChart().Width(60).Label("Reference predicted classes");
                for (var i = 0; i < classes.Count; i++) chart.AddItem(TaskSpec.Classes[i], classes[i], Color.Blue);
                AnsiConsole.Write(chart);
            }
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Bench()
    {
        var model = new Argument<string>("model") { Description = "Served model name" };
        var dataset = new Argument<string>("dataset") { Description = "Dataset folder to send (a path the server can read)" };
        var requests = new Option<int>("--requests") { Description = "Predictions per round and mode", DefaultValueFactory = _ => 200 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 8 };
        var repeats = new Option<int>("--repeats") { Description = "Rounds (each measures logging off and on)", DefaultValueFactory = _ => 5 };
        var command = new Command("bench", $"Serving throughput with prediction logging off vs on, median of several rounds. {ViaServer}")
            { model, dataset, requests, concurrency, repeats };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            var result = await new MonitorBenchmark(client).RunAsync(parse.GetValue(model)!, parse.GetValue(dataset)!, parse.GetValue(requests),
                parse.GetValue(concurrency), parse.GetValue(repeats), new Progress<string>(line => AnsiConsole.WriteLine(line)), ct);
            AnsiConsole.MarkupLineInterpolated(
                $"[bold]Median throughput:[/] logging off {result.MedianOff:F1}/s, on {result.MedianOn:F1}/s: overhead {result.OverheadPercent:+0.0;-0.0}% ({result.Requests} requests × {result.Rounds.Count / 2} rounds, concurrency {result.Concurrency}).");
            AnsiConsole.MarkupLineInterpolated(
                $"Log writer (batched writes + drift windows, off the request path): {result.BackgroundMicrosecondsPerRow:F0} µs per logged prediction.");
            return CliErrors.Ok;
        }));
        return command;
    }

    public static void WriteDashboard(MonitoringDashboard d)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{d.Model}[/] v{d.Version?.ToString() ?? "-"} (active v{d.ActiveVersion?.ToString() ?? "-"}): {d.Predictions} predictions logged, window {d.WindowCount}.");
        if (d.Reference is { } r) AnsiConsole.MarkupLineInterpolated($"Reference: {r.Status}, {r.SampleCount} samples ({r.Split}) {r.Note}");
        else AnsiConsole.MarkupLine("[yellow]No reference for this version.[/]");
        var s = d.Settings.Settings;
        if (d.Evaluations.Count > 0)
        {
            var e = d.Evaluations[^1];
            var table = new Table().AddColumn("Metric").AddColumn(new TableColumn("Latest").RightAligned()).AddColumn(new TableColumn("Threshold").RightAligned()).AddColumn("");
            void Row(string name, double value, string threshold, bool breach) =>
                table.AddRow(name, value.ToString("G4"), threshold, breach ? "[red]over[/]" : "[green]ok[/]");
            Row("confidence PSI", e.ConfidencePsi, $"> {s.PsiThreshold}", e.ConfidencePsi > s.PsiThreshold);
            Row("class Jensen-Shannon (bits)", e.ClassJs, $"> {s.ClassJsThreshold}", e.ClassJs > s.ClassJsThreshold);
            Row("class chi-square p", e.ClassChi2P, $"< {s.ClassChi2Alpha}", e.ClassChi2P < s.ClassChi2Alpha);
            foreach (var input in d.Inputs)
                Row($"KS p {input.Statistic} (ref {input.ReferenceMean:0.###} → {input.WindowMean:0.###})", input.P, $"< {s.InputKsAlpha}", input.P < s.InputKsAlpha);
            AnsiConsole.MarkupLineInterpolated($"Latest window: {e.WindowCount} predictions at {e.AtUtc:HH:mm:ss} UTC ({d.Evaluations.Count} evaluations shown).");
            AnsiConsole.Write(table);
        }
        else AnsiConsole.MarkupLineInterpolated($"[grey]No window evaluated yet (needs a reference and at least {s.MinWindow} predictions).[/]");
        var active = d.Alerts.Where(a => a.Status != DriftAlert.Resolved).ToList();
        if (active.Count > 0) WriteAlerts(active);
        else AnsiConsole.MarkupLine("[green]No open alerts.[/]");
    }

    private static void WriteAlerts(IEnumerable<AlertView> alerts)
    {
        var table = new Table().AddColumn(new TableColumn("Id").RightAligned()).AddColumn("Model").AddColumn("Metric").AddColumn("Status")
            .AddColumn(new TableColumn("Seen").RightAligned()).AddColumn("Opened (UTC)").AddColumn("Message");
        foreach (var a in alerts)
            table.AddRow(a.Id.ToString(), Markup.Escape($"{a.Model} v{a.Version}"), Markup.Escape(a.Metric),
                a.Status == DriftAlert.Resolved ? "[green]resolved[/]" : $"[red]{a.Status}[/]", a.Occurrences.ToString(),
                a.OpenedAtUtc.ToString("MM-dd HH:mm:ss"), Markup.Escape(a.Message));
        AnsiConsole.Write(table);
    }

    private static void WriteSettings(MonitoringSettingsView view)
    {
        var s = view.Settings;
        var table = new Table().AddColumn("Setting").AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("window_size", s.WindowSize.ToString());
        table.AddRow("evaluate_every", s.EvaluateEvery.ToString());
        table.AddRow("min_window", s.MinWindow.ToString());
        table.AddRow("psi_bins", s.PsiBins.ToString());
        table.AddRow("psi_threshold", s.PsiThreshold.ToString("G"));
        table.AddRow("class_js_threshold", s.ClassJsThreshold.ToString("G"));
        table.AddRow("class_chi2_alpha", s.ClassChi2Alpha.ToString("G"));
        table.AddRow("input_ks_alpha", s.InputKsAlpha.ToString("G"));
        table.AddRow("resolve_after_clean_windows", s.ResolveAfterCleanWindows.ToString());
        AnsiConsole.MarkupLineInterpolated($"[bold]{view.Model}[/]: {(view.Custom ? $"set by {view.UpdatedBy} at {view.UpdatedAtUtc:yyyy-MM-dd HH:mm} UTC" : "configured defaults")}");
        AnsiConsole.Write(table);
    }
}
