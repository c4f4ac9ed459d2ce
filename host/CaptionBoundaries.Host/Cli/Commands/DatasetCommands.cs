using System.CommandLine;
using CaptionBoundaries.Application.Features.Datasets;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

public static class DatasetCommands
{
    public static Command Create()
    {
        var dataset = new Command("dataset", "Dataset commands.");
        dataset.Subcommands.Add(Synth());
        DatasetVersionCommands.AddTo(dataset);
        return dataset;
    }

    private static Command Synth()
    {
        var output = new Argument<string>("output") { Description = "New (or empty) folder to write the dataset into" };
        var perClass = new Option<int>("--samples-per-class") { Description = "Samples of each of the 5 classes", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed writes byte-identical files", DefaultValueFactory = _ => 1 };
        var width = new Option<int>("--width") { Description = "Frame width in pixels", DefaultValueFactory = _ => 96 };
        var height = new Option<int>("--height") { Description = "Frame height in pixels", DefaultValueFactory = _ => 64 };
        var valFraction = new Option<double>("--val-fraction") { Description = "Share of each class put in the validation split", DefaultValueFactory = _ => 0.25 };
        var testFraction = new Option<double>("--test-fraction")
        {
            Description = "Share of each class put in a held-out test split (evaluated once, with the best checkpoint, after training); 0 = none",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("synth", "Generate a deterministic synthetic caption-boundary dataset (images + manifest.json).")
        {
            output, perClass, seed, width, height, valFraction, testFraction,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            var total = parse.GetValue(perClass) * 5;
            SynthesizedDataset? result = null;
            await AnsiConsole.Progress().AutoClear(false).StartAsync(async ctx =>
            {
                var task = ctx.AddTask("writing samples", maxValue: total);
                result = await mediator.Send(new SynthesizeDatasetCommand(
                    parse.GetValue(output)!, parse.GetValue(perClass), parse.GetValue(seed), parse.GetValue(width),
                    parse.GetValue(height), parse.GetValue(valFraction), parse.GetValue(testFraction))
                {
                    Progress = new Progress<int>(n => task.Value = n),
                }, ct);
                task.Value = total;
            });
            AnsiConsole.MarkupLineInterpolated($"[green]dataset[/] {result!.Folder}: {result.Samples} samples, identity {result.Identity}");
            return CliErrors.Ok;
        }));
        return command;
    }
}
