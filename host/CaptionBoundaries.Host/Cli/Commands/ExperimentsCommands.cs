using System.CommandLine;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Training;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

public static class ExperimentsCommands
{
    public static Command Create()
    {
        var experiments = new Command("experiments", "Query tracked experiments.");
        experiments.Subcommands.Add(List());
        experiments.Subcommands.Add(Compare());
        experiments.Subcommands.Add(Resume());
        return experiments;
    }

    private static Command List()
    {
        var architecture = new Option<string?>("--architecture", "-a") { Description = "Only this architecture" };
        var status = new Option<string?>("--status") { Description = "Only this status (Running, Completed, Failed, Cancelled)" };
        var dataset = new Option<string?>("--dataset") { Description = "Only this dataset (name or identity prefix)" };
        var sort = new Option<string>("--sort") { Description = "best_f1 or created", DefaultValueFactory = _ => "best_f1" };
        var limit = new Option<int>("--limit") { Description = "At most this many rows", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "List experiments, best validation macro-F1 first.") { architecture, status, dataset, sort, limit };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ListExperimentsQuery(
                parse.GetValue(architecture), parse.GetValue(status), parse.GetValue(dataset), parse.GetValue(sort)!, parse.GetValue(limit)), ct);
            var table = new Table()
                .AddColumn(new TableColumn("Id").NoWrap())
                .AddColumn("Name")
                .AddColumn(new TableColumn("Architecture").NoWrap())
                .AddColumn(new TableColumn("Status").NoWrap())
                .AddColumn("Dataset")
                .AddColumn(new TableColumn("Best F1").RightAligned().NoWrap())
                .AddColumn(new TableColumn("Epochs").RightAligned().NoWrap())
                .AddColumn(new TableColumn("Created (UTC)").NoWrap());
            foreach (var e in rows)
            {
                table.AddRow(e.Id.ToString("N")[..8], Markup.Escape(e.Name), Markup.Escape(e.ArchitectureName), StatusMarkup(e.Status),
                    Markup.Escape($"{e.DatasetName} {e.DatasetIdentity[..Math.Min(8, e.DatasetIdentity.Length)]}"),
                    e.BestValMacroF1 is { } f1 ? $"{f1:F4} @{e.BestEpoch}" : "-", e.EpochsRecorded.ToString(),
                    e.CreatedAtUtc.ToString("MM-dd HH:mm"));
            }
            AnsiConsole.Write(table);
            foreach (var failed in rows.Where(r => r.FailureReason is not null))
                AnsiConsole.MarkupLineInterpolated($"[grey]{failed.Id.ToString("N")[..8]}: {failed.FailureReason}[/]");
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Compare()
    {
        var ids = new Argument<string[]>("ids") { Description = "Two or more experiment ids (or unambiguous prefixes)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("compare", "Compare experiments side by side; differing settings are highlighted.") { ids };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var comparison = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new CompareExperimentsQuery(parse.GetValue(ids)!), ct);
            var table = new Table().AddColumn("Setting");
            foreach (var e in comparison.Experiments) table.AddColumn(e.Id.ToString("N")[..8]);
            foreach (var row in comparison.Rows)
            {
                var cells = row.Values.Select(v => row.Differs ? $"[yellow]{Markup.Escape(v)}[/]" : Markup.Escape(v));
                table.AddRow([row.Differs ? $"[yellow]{Markup.Escape(row.Key)}[/]" : Markup.Escape(row.Key), .. cells]);
            }
            AnsiConsole.Write(table);

            var chart = new BarChart().Label("Validation macro-F1 per epoch").WithMaxValue(1.0);
            var colours = new[] { Color.Green, Color.Blue, Color.Yellow, Color.Aqua, Color.Fuchsia, Color.Orange1 };
            for (var i = 0; i < comparison.Experiments.Count; i++)
            {
                var e = comparison.Experiments[i];
                foreach (var point in e.Curve)
                    chart.AddItem($"{e.Id.ToString("N")[..8]} ep{point.Epoch}", Math.Round(point.ValMacroF1, 3), colours[i % colours.Length]);
            }
            AnsiConsole.Write(chart);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static string StatusMarkup(string status) => status switch
    {
        "Completed" => "[green]Completed[/]",
        "Failed" => "[red]Failed[/]",
        "Cancelled" => "[yellow]Cancelled[/]",
        _ => Markup.Escape(status),
    };

    private static Command Resume()
    {
        var id = new Argument<string>("id") { Description = "Experiment id or unambiguous prefix (a failed, cancelled or cut-off run)" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var command = new Command("resume", "Continue an unfinished experiment: a single run from its last checkpoint, a multi-stage plan at its first unfinished stage.") { id, device };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            var detail = await mediator.Send(new GetExperimentDetailQuery(parse.GetValue(id)!), ct);
            var totalEpochs = detail.Stages.Count > 0 ? detail.Stages[^1].LastEpoch : int.Parse(detail.Hyperparameters["epochs"]);
            var result = await TrainCommand.WithProgress(totalEpochs, (progress, onEpoch) =>
                mediator.Send(new ResumeExperimentCommand(parse.GetValue(id)!, parse.GetValue(device)!) { Progress = progress, OnEpoch = onEpoch }, ct).AsTask());
            return TrainCommand.Report(result);
        }));
        return command;
    }
}
