using System.CommandLine;
using CaptionBoundaries.Application.Features.Inference;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

public static class InferCommand
{
    public static Command Create()
    {
        var data = new Argument<string>("data") { Description = "Dataset folder (manifest.json) whose samples to predict" };
        var checkpoint = new Option<string>("--checkpoint", "-c") { Description = "Checkpoint file; the model is rebuilt from it alone", Required = true };
        var output = new Option<string?>("--out", "-o") { Description = "Write predictions as JSON Lines here (default: ./predictions.jsonl)" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var batchSize = new Option<int>("--batch-size") { Description = "Batch size", DefaultValueFactory = _ => 32 };
        var command = new Command("infer", "Predict the class and confidence of every sample with a checkpoint.")
        {
            data, checkpoint, output, device, batchSize,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var folder = parse.GetValue(data)!;
            var outPath = parse.GetValue(output) ?? "predictions.jsonl";
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(
                new RunInferenceCommand(folder, parse.GetValue(checkpoint)!, outPath, parse.GetValue(device)!, parse.GetValue(batchSize)), ct);

            var table = new Table().AddColumns("Sample", "Predicted", "Confidence", "True");
            foreach (var p in result.Predictions.Take(20))
                table.AddRow(Markup.Escape(p.SampleId), Markup.Escape(p.PredictedClass), p.Confidence.ToString("F3"), Markup.Escape(p.TrueClass ?? ""));
            AnsiConsole.Write(table);
            if (result.Predictions.Count > 20) AnsiConsole.MarkupLineInterpolated($"… {result.Predictions.Count - 20} more");
            AnsiConsole.MarkupLineInterpolated($"{result.Predictions.Count} predictions by {result.ArchitectureName} (checkpoint sha256 {result.CheckpointSha256[..16]}…) written to {result.OutputPath}");
            if (result.Accuracy is { } accuracy) AnsiConsole.MarkupLineInterpolated($"accuracy against the dataset's labels: {accuracy:P1}");
            return CliErrors.Ok;
        }));
        return command;
    }
}
