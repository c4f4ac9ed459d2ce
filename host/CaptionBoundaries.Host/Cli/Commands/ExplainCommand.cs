using System.CommandLine;
using CaptionBoundaries.Application.Features.Explain;
using CaptionBoundaries.Domain.Benchmarks;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Explain;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

public static class ExplainCommand
{
    public static Command Create()
    {
        var data = new Argument<string>("data") { Description = "Dataset folder (manifest.json) whose samples to explain" };
        var checkpoint = new Option<string>("--checkpoint", "-c") { Description = "Checkpoint file; the model is rebuilt from it alone", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the PNG overlays (one sub-folder per sample) and explanations.json", Required = true };
        var samples = new Option<string[]>("--sample", "-s") { Description = "Explain these sample ids (repeatable); default: the first --limit samples of --split", AllowMultipleArgumentsPerToken = true };
        var split = new Option<string>("--split") { Description = $"Which samples: {string.Join(", ", BenchmarkSplits.Names)}", DefaultValueFactory = _ => DatasetSplit.Validation };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many samples", DefaultValueFactory = _ => 16 };
        var misclassified = new Option<bool>("--misclassified") { Description = "Only samples the model gets wrong" };
        var target = new Option<string>("--target") { Description = $"Which class to explain: {string.Join(", ", ExplainTarget.Choices)}", DefaultValueFactory = _ => ExplainTarget.Predicted };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var command = new Command("explain",
            "Grad-CAM heatmaps over frame1, frame2 and ocr_viz from the model's last convolutional stage, written as PNG overlays.")
        {
            data, checkpoint, output, samples, split, limit, misclassified, target, device,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var ids = parse.GetValue(samples) ?? [];
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ExplainSamplesCommand(
                parse.GetValue(data)!, parse.GetValue(checkpoint)!, parse.GetValue(output)!, ids.Length == 0 ? null : ids,
                parse.GetValue(split)!, parse.GetValue(limit), parse.GetValue(misclassified), parse.GetValue(target)!, parse.GetValue(device)!), ct);

            var table = new Table().AddColumns("Sample", "True", "Predicted", "Confidence", "Explained", "Peak (frame1 / frame2 / ocr_viz)");
            foreach (var s in result.Samples)
            {
                var peaks = string.Join(" / ", s.Maps.Where(m => m.Method == GradCam.GradCamMethod).Select(m => m.Peak.ToString("G3")));
                var predicted = s.Misclassified ? $"[red]{Markup.Escape(s.PredictedClass)}[/]" : Markup.Escape(s.PredictedClass);
                table.AddRow(Markup.Escape(s.SampleId), Markup.Escape(s.TrueClass), predicted, s.Confidence.ToString("F3"), Markup.Escape(s.ExplainedClass), peaks);
            }
            AnsiConsole.Write(table);
            foreach (var note in result.Notes) AnsiConsole.MarkupLineInterpolated($"[yellow]note:[/] {note}");
            AnsiConsole.MarkupLineInterpolated(
                $"{result.Samples.Count} samples explained by {result.ArchitectureName} (checkpoint sha256 {result.CheckpointSha256[..16]}…), {result.ImageWidth}x{result.ImageHeight} overlays: {result.WrittenFiles.Count} files in {result.OutputFolder}");
            return CliErrors.Ok;
        }));
        return command;
    }
}
