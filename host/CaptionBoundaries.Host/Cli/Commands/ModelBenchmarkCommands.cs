using System.CommandLine;
using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Domain.Benchmarks;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Host.Api;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `models benchmark|compare|performance`: served models live in the server's silo, so these commands call a
/// running server over HTTP instead of running handlers in-process like the rest of the CLI.
/// </summary>
public static class ModelBenchmarkCommands
{
    public const string ViaServer = "Needs a running server (`serve`); talks to it over HTTP (--server).";

    public static readonly Option<string> Server = new("--server")
    {
        Description = "Base URL of a running `serve`",
        DefaultValueFactory = _ => ServerApiClient.DefaultServer,
        Recursive = true,
    };

    public static Command Create()
    {
        var models = new Command("models", $"Served models: registry lifecycle, benchmarks and comparisons. {ViaServer}") { Server };
        ModelRegistryCommands.AddTo(models);
        models.Subcommands.Add(Benchmark());
        models.Subcommands.Add(Compare());
        models.Subcommands.Add(Performance());
        return models;
    }

    private static Command Benchmark()
    {
        var model = new Argument<string>("model") { Description = "Served model name" };
        var dataset = new Argument<string>("dataset") { Description = "Dataset folder (a path the server can read)" };
        var versions = new Option<string?>("--versions") { Description = "Versions to benchmark, e.g. 1,2 (default: all)" };
        var split = new Option<string>("--split")
        {
            Description = $"Samples to run: {string.Join(", ", BenchmarkSplits.Names)} (default val)",
            DefaultValueFactory = _ => DatasetSplit.Validation,
        };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N (on the server)", DefaultValueFactory = _ => "cpu" };
        var command = new Command("benchmark",
            $"Measure latency (p50/p95 at batch 1), throughput (batch {VersionBenchmarker.ThroughputBatchSize}), accuracy and F1 per version on a fixed test set; recorded as one run. {ViaServer}")
            { model, dataset, versions, split, device };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            var name = parse.GetValue(model)!;
            var body = new
            {
                dataset_folder = Path.GetFullPath(parse.GetValue(dataset)!),
                versions = BenchmarkEndpoints.ParseVersions(parse.GetValue(versions)),
                split = parse.GetValue(split),
                device = parse.GetValue(device),
            };
            var run = await AnsiConsole.Status().StartAsync($"Benchmarking {name}…", _ =>
                client.Post<BenchmarkRunView>($"api/models/{Uri.EscapeDataString(name)}/benchmark", body, ct));
            WriteRuns([run]);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Compare()
    {
        var model = new Argument<string>("model") { Description = "Served model name" };
        var versions = new Option<string>("--versions") { Description = "Two or more versions, e.g. 1,2", Required = true };
        var command = new Command("compare",
            $"Versions side by side from their registration and latest benchmark; differing rows highlighted, differences vs the first version. {ViaServer}")
            { model, versions };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            var name = parse.GetValue(model)!;
            var comparison = await client.Get<ModelVersionComparison>(
                $"api/models/{Uri.EscapeDataString(name)}/compare?versions={Uri.EscapeDataString(parse.GetValue(versions)!)}", ct);
            WriteComparison(comparison);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Performance()
    {
        var model = new Argument<string>("model") { Description = "Served model name" };
        var command = new Command("performance", $"The model's performance table: every benchmark run with its per-version results. {ViaServer}") { model };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(Server)!, parse.GetValue(GlobalOptions.Token));
            var runs = await client.Get<List<BenchmarkRunView>>($"api/models/performance/{Uri.EscapeDataString(parse.GetValue(model)!)}", ct);
            if (runs.Count == 0) AnsiConsole.MarkupLine("[grey]No benchmark runs recorded for this model yet.[/]");
            WriteRuns(runs);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static void WriteRuns(IEnumerable<BenchmarkRunView> runs)
    {
        var table = new Table()
            .AddColumn(new TableColumn("Run").NoWrap())
            .AddColumn(new TableColumn("When (UTC)").NoWrap())
            .AddColumn("Dataset")
            .AddColumn(new TableColumn("Version").RightAligned())
            .AddColumn(new TableColumn("Samples").RightAligned())
            .AddColumn(new TableColumn("Accuracy").RightAligned())
            .AddColumn(new TableColumn("Macro-F1").RightAligned())
            .AddColumn(new TableColumn("p50 ms").RightAligned())
            .AddColumn(new TableColumn("p95 ms").RightAligned())
            .AddColumn(new TableColumn("Samples/s").RightAligned())
            .AddColumn(new TableColumn("SHA-256").NoWrap());
        foreach (var run in runs)
            foreach (var r in run.Results)
                table.AddRow(run.Id.ToString("N")[..8], run.CreatedAtUtc.ToString("MM-dd HH:mm"),
                    Markup.Escape($"{run.DatasetName} {run.DatasetIdentity[..Math.Min(8, run.DatasetIdentity.Length)]} ({run.Split}, {run.Device})"),
                    r.Version.ToString(), r.Samples.ToString(), r.Accuracy.ToString("F4"), r.MacroF1.ToString("F4"),
                    r.LatencyP50Ms.ToString("F2"), r.LatencyP95Ms.ToString("F2"), r.ThroughputPerSecond.ToString("F1"), r.CheckpointSha256[..12]);
        AnsiConsole.Write(table);
    }

    private static void WriteComparison(ModelVersionComparison comparison)
    {
        var table = new Table().AddColumn("Metric");
        foreach (var v in comparison.Versions) table.AddColumn(new TableColumn($"v{v.Version}").RightAligned());
        foreach (var row in comparison.Rows)
        {
            var cells = row.Values.Select((value, i) =>
            {
                var text = row.Key == "sha256" && value.Length > 12 ? value[..12] : value;
                var delta = i > 0 && row.DifferenceFromFirst?[i] is { } d && d != 0 ? $" ({d:+0.####;-0.####})" : "";
                return row.Differs ? $"[yellow]{Markup.Escape(text + delta)}[/]" : Markup.Escape(text);
            });
            table.AddRow([row.Differs ? $"[yellow]{Markup.Escape(row.Key)}[/]" : Markup.Escape(row.Key), .. cells]);
        }
        AnsiConsole.Write(table);

        var benchmarked = comparison.Versions.Any(v => v.BenchmarkRunId is not null);
        if (!benchmarked)
        {
            AnsiConsole.MarkupLine("[grey]None of these versions has been benchmarked yet: run `models benchmark` first.[/]");
            return;
        }
        Chart(comparison, "macro_f1", "Macro-F1 per version", Color.Green);
        Chart(comparison, "latency_p50_ms", "Latency p50 (ms) per version", Color.Blue);
    }

    private static void Chart(ModelVersionComparison comparison, string key, string label, Color colour)
    {
        var row = comparison.Rows.Single(r => r.Key == key);
        var chart = new BarChart().Label(label);
        for (var i = 0; i < comparison.Versions.Count; i++)
            if (row.Numbers?[i] is { } value)
                chart.AddItem($"v{comparison.Versions[i].Version}", Math.Round(value, 4), colour);
        AnsiConsole.Write(chart);
    }
}
