using System.CommandLine;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `sweep start|status|best|pause|resume|cancel`: sweeps live in the server's silo (their trials take its worker
/// slots), so these commands call a running server over HTTP.
/// </summary>
public static class SweepCommands
{
    public static Command Create()
    {
        var sweep = new Command("sweep", $"Hyperparameter sweeps: trials on the server's worker slots with early stopping. {ModelBenchmarkCommands.ViaServer}")
        {
            ModelBenchmarkCommands.Server,
        };
        sweep.Subcommands.Add(Start());
        sweep.Subcommands.Add(Status());
        sweep.Subcommands.Add(Best());
        sweep.Subcommands.Add(RegisterBest());
        sweep.Subcommands.Add(Action("pause", "Launch no new trials; running ones finish."));
        sweep.Subcommands.Add(Action("resume", "Launch trials again after a pause."));
        sweep.Subcommands.Add(Action("cancel", "Cancel the running trials and launch no more."));
        return sweep;
    }

    private static Argument<Guid> IdArgument() => new("id") { Description = "Sweep id (as printed by `sweep start`)" };

    private static Command Run(Command command, Func<ParseResult, ServerApiClient, CancellationToken, Task> action)
    {
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            using var client = new ServerApiClient(parse.GetValue(ModelBenchmarkCommands.Server)!, parse.GetValue(GlobalOptions.Token));
            await action(parse, client, ct);
            return CliErrors.Ok;
        }));
        return command;
    }

    /// <summary>The options' defaults are the run spec's own (a trial is a run).</summary>
    private static readonly RunSpec Defaults = new() { Name = "", DatasetFolder = "", Architecture = "" };

    private static Command Start()
    {
        var file = new Argument<FileInfo>("file") { Description = "Sweep definition, YAML or JSON" };
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder (a path the server can read)", Required = true };
        var architecture = new Option<string>("--architecture") { Description = "Architecture plugin name", Required = true };
        var imageSize = new Option<int>("--image-size") { Description = "Square input size unless swept", DefaultValueFactory = _ => Defaults.ImageHeight };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per trial unless swept", DefaultValueFactory = _ => Defaults.Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Batch size unless swept", DefaultValueFactory = _ => Defaults.BatchSize };
        var augmentation = new Option<string>("--augmentation") { Description = "Augmentation unless swept", DefaultValueFactory = _ => Defaults.Augmentation };
        var command = new Command("start", "Start a sweep; prints its id and first trials.")
            { file, dataset, architecture, imageSize, epochs, batchSize, augmentation };
        return Run(command, async (parse, client, ct) =>
        {
            var body = new
            {
                definition = await File.ReadAllTextAsync(parse.GetValue(file)!.FullName, ct),
                dataset_folder = Path.GetFullPath(parse.GetValue(dataset)!),
                architecture = parse.GetValue(architecture),
                image_size = parse.GetValue(imageSize),
                epochs = parse.GetValue(epochs),
                batch_size = parse.GetValue(batchSize),
                augmentation = parse.GetValue(augmentation),
            };
            var sweep = await client.Post<SweepInfo>("api/sweeps", body, ct);
            AnsiConsole.MarkupLine($"Sweep [bold]{sweep.Id}[/] started. Follow it with `sweep status {sweep.Id}`.");
            Write(sweep);
        });
    }

    private static Command Status()
    {
        var id = IdArgument();
        return Run(new Command("status", "The sweep's trials: parameters, status, metric, stop reason; the best one highlighted.") { id },
            async (parse, client, ct) => Write(await client.Get<SweepInfo>($"api/sweeps/{parse.GetValue(id)}", ct)));
    }

    private static Command Best()
    {
        var id = IdArgument();
        return Run(new Command("best", "The best finished trial and its experiment id.") { id }, async (parse, client, ct) =>
        {
            var sweep = await client.Get<SweepInfo>($"api/sweeps/{parse.GetValue(id)}", ct);
            var best = sweep.Trials.SingleOrDefault(t => t.Number == sweep.BestTrial)
                ?? throw new InvalidOperationException($"Sweep {sweep.Id} has no finished trial with a {sweep.MetricName} yet.");
            Write(sweep with { Trials = [best] });
            AnsiConsole.MarkupLine($"Best trial {best.Number}: experiment [bold]{best.ExperimentId}[/], {Markup.Escape(sweep.MetricName)} {best.Metric:F4}");
        });
    }

    private static Command RegisterBest()
    {
        var id = IdArgument();
        var model = new Argument<string>("model") { Description = "Served model to register the best trial's checkpoint under" };
        return Run(new Command("register-best", "Register the best trial's best checkpoint as the model's next version.") { id, model },
            async (parse, client, ct) =>
            {
                var version = await client.Post<ModelVersionInfo>($"api/sweeps/{parse.GetValue(id)}/best/register", new { model = parse.GetValue(model) }, ct);
                AnsiConsole.MarkupLineInterpolated($"[green]registered[/] {parse.GetValue(model)} v{version.Version} from experiment {version.ExperimentId} (sha256 {version.Sha256[..16]}…)");
            });
    }

    private static Command Action(string name, string description)
    {
        var id = IdArgument();
        return Run(new Command(name, description) { id },
            async (parse, client, ct) => Write(await client.Post<SweepInfo>($"api/sweeps/{parse.GetValue(id)}/{name}", new { }, ct)));
    }

    private static void Write(SweepInfo sweep)
    {
        AnsiConsole.MarkupLine(Markup.Escape(
            $"{sweep.Name} ({sweep.Method}, {sweep.MetricGoal} {sweep.MetricName}): {sweep.Phase}, {sweep.Trials.Count} trial(s)" +
            (sweep.RunCap is { } cap ? $" of at most {cap}" : "")));
        var parameterNames = sweep.Trials.SelectMany(t => t.Parameters.Keys).Distinct().ToList();
        var table = new Table().AddColumn(new TableColumn("Trial").RightAligned()).AddColumn("Experiment");
        foreach (var p in parameterNames) table.AddColumn(Markup.Escape(p));
        table.AddColumn("Status").AddColumn(new TableColumn("Epochs").RightAligned()).AddColumn(new TableColumn(Markup.Escape(sweep.MetricName)).RightAligned()).AddColumn("Reason");
        foreach (var t in sweep.Trials)
        {
            var best = t.Number == sweep.BestTrial;
            string Cell(string text) => best ? $"[bold green]{Markup.Escape(text)}[/]" : Markup.Escape(text);
            table.AddRow([
                Cell(best ? $"★ {t.Number}" : t.Number.ToString()), Cell(t.ExperimentId.ToString("N")[..8]),
                .. parameterNames.Select(p => Cell(t.Parameters.TryGetValue(p, out var v) ? v : "")),
                Cell(t.Status.ToString()), Cell(t.EpochsDone.ToString()), Cell(t.Metric?.ToString("F4") ?? "-"), Cell(t.Reason ?? ""),
            ]);
        }
        AnsiConsole.Write(table);
    }
}
