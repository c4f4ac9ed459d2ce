using System.CommandLine;
using CaptionBoundaries.Bench.PyTorch;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `bench pytorch`: the shared-backbone ResNet-50 trained and served by this project against the same model in PyTorch
/// (bench/pytorch/caption_bench.py under Debian's python3-torch), in one run, with the ratios and their targets.
/// </summary>
public static class BenchPyTorchCommand
{
    public static Command Create()
    {
        var defaults = new PyTorchBenchSettings();
        var imageSize = new Option<int>("--image-size") { Description = "Model input side in pixels", DefaultValueFactory = _ => defaults.ImageSize };
        var batchSize = new Option<int>("--batch-size") { Description = "Training batch size", DefaultValueFactory = _ => defaults.BatchSize };
        var steps = new Option<int>("--steps") { Description = "Timed raw steps, and the trainer's steps per epoch", DefaultValueFactory = _ => defaults.Steps };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first (raw and trainer)", DefaultValueFactory = _ => defaults.Warmup };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the trainer run", DefaultValueFactory = _ => defaults.Epochs };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads, the same for TorchSharp and PyTorch", DefaultValueFactory = _ => defaults.Threads };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N (both sides)", DefaultValueFactory = _ => defaults.Device };
        var requests = new Option<int>("--requests") { Description = "Timed serving requests", DefaultValueFactory = _ => defaults.ServingRequests };
        var callers = new Option<int>("--callers") { Description = "Concurrent serving callers", DefaultValueFactory = _ => defaults.ServingCallers };
        var python = new Option<string>("--python") { Description = "Python with torch", DefaultValueFactory = _ => defaults.Python };
        var script = new Option<string?>("--script") { Description = $"The PyTorch script (default: {PyTorchPeer.ScriptPath} found above the current folder)" };

        var command = new Command("pytorch",
            "The same ResNet-50 training step and inference in this project (raw, through the Trainer, through serving) and in PyTorch, " +
            "with the ratios: Trainer step / PyTorch step, end-to-end training samples/s / PyTorch step samples/s, serving predictions/s / PyTorch forward samples/s.")
        {
            imageSize, batchSize, steps, warmup, epochs, threads, device, requests, callers, python, script,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            var settings = new PyTorchBenchSettings
            {
                ImageSize = parse.GetValue(imageSize),
                BatchSize = parse.GetValue(batchSize),
                Steps = parse.GetValue(steps),
                Warmup = parse.GetValue(warmup),
                Epochs = parse.GetValue(epochs),
                Threads = parse.GetValue(threads),
                Device = parse.GetValue(device)!,
                ServingRequests = parse.GetValue(requests),
                ServingCallers = parse.GetValue(callers),
                Python = parse.GetValue(python)!,
                Script = parse.GetValue(script),
            };
            settings.Validate();
            var loadBefore = LoadAverage.ReadOneMinute();
            await using var services = await CliServices.BuildAsync(parse, ct, migrate: false);
            var runner = ActivatorUtilities.CreateInstance<PyTorchBenchRunner>(services);
            await PyTorchBenchConsole.RunAsync(runner, settings, loadBefore, ct);
            return CliErrors.Ok;
        }));
        return command;
    }
}
