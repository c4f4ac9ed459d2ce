using System.CommandLine;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli.Commands;

public static class TrainCommand
{
    /// <summary>The options' defaults are the run spec's own, so the CLI, the API and the console start from the same values.</summary>
    private static readonly RunSpec Defaults = new() { Name = "", DatasetFolder = "", Architecture = "" };

    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "Dataset folder (with manifest.json)" };
        var name = new Option<string>("--name") { Description = "Experiment name", Required = true };
        var architecture = new Option<string>("--architecture", "-a") { Description = "Registered architecture name (see list-models)", Required = true };
        var modelConfig = new Option<string[]>("--model-config", "-m")
        {
            Description = "Model config overrides as key=value (repeatable), e.g. -m lora_rank=8 -m pretrained=/weights/resnet50.bin",
            AllowMultipleArgumentsPerToken = true,
        };
        var lr = new Option<double>("--lr") { Description = "Learning rate (AdamW)", DefaultValueFactory = _ => Defaults.LearningRate };
        var batchSize = new Option<int>("--batch-size") { Description = "Batch size", DefaultValueFactory = _ => Defaults.BatchSize };
        var epochs = new Option<int>("--epochs") { Description = "Epochs", DefaultValueFactory = _ => Defaults.Epochs };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay", DefaultValueFactory = _ => Defaults.WeightDecay };
        var seed = new Option<int>("--seed") { Description = "Random seed (weights, shuffling, augmentation)", DefaultValueFactory = _ => Defaults.Seed };
        var imageSize = new Option<int>("--image-size") { Description = "Model input side in pixels (images are resized to it)", DefaultValueFactory = _ => Defaults.ImageHeight };
        var augmentation = new Option<string>("--augmentation") { Description = "Augmentation strategy", DefaultValueFactory = _ => Defaults.Augmentation };
        var embedder = new Option<string>("--embedder") { Description = "Font embedder", DefaultValueFactory = _ => Defaults.Embedder };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => Defaults.Device };
        var resume = new Option<string?>("--resume") { Description = "Continue from this checkpoint (same architecture, config and dataset)" };
        var plan = new Option<string?>("--plan")
        {
            Description = "Multi-stage plan (YAML/JSON: stages with name, epochs, lr, weight_decay, batch_size, freeze, unfreeze); each stage is a child run",
        };

        var recipe = new RecipeOptions();

        var command = new Command("train", "Train an architecture on a dataset; the run is recorded as an experiment with per-epoch metrics and checkpoints.")
        {
            dataset, name, architecture, modelConfig, lr, batchSize, epochs, weightDecay, seed, imageSize, augmentation, embedder, device, resume, plan,
        };
        foreach (var option in recipe.All) command.Options.Add(option);
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            var overrides = ParseModelConfig(parse.GetValue(modelConfig) ?? []);
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            var stages = parse.GetValue(plan) is { } planFile ? TrainingPlanFile.Read(planFile) : [];
            var totalEpochs = stages.Count > 0 ? stages.Sum(s => s.Epochs) : parse.GetValue(epochs);
            var result = await WithProgress(totalEpochs, (progress, onEpoch) => mediator.Send(new TrainModelCommand(new RunSpec
            {
                DatasetFolder = parse.GetValue(dataset)!,
                Name = parse.GetValue(name)!,
                Architecture = parse.GetValue(architecture)!,
                ModelConfig = overrides,
                LearningRate = parse.GetValue(lr),
                BatchSize = parse.GetValue(batchSize),
                Epochs = parse.GetValue(epochs),
                WeightDecay = parse.GetValue(weightDecay),
                Seed = parse.GetValue(seed),
                ImageHeight = parse.GetValue(imageSize),
                ImageWidth = parse.GetValue(imageSize),
                Augmentation = parse.GetValue(augmentation)!,
                Embedder = parse.GetValue(embedder)!,
                Device = parse.GetValue(device)!,
                ResumeFrom = parse.GetValue(resume),
                Stages = stages,
                Recipe = recipe.Read(parse),
            })
            { Observers = new RunObservers(progress, onEpoch) }, ct).AsTask());
            return Report(result);
        }));
        return command;
    }

    /// <summary>Runs a training request under progress bars: the whole run (epochs of every stage) and the current epoch's steps.</summary>
    public static async Task<TrainModelResult> WithProgress(
        int totalEpochs, Func<IProgress<TrainingProgress>, Action<EpochResult>, Task<TrainModelResult>> run)
    {
        TrainModelResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var overall = ctx.AddTask("training", maxValue: totalEpochs);
                ProgressTask? epochTask = null;
                var progress = new SynchronousProgress<TrainingProgress>(p =>
                {
                    if (epochTask is null || epochTask.Value >= p.Step || epochTask.Description != $"epoch {p.Epoch}/{p.Epochs}")
                        epochTask = ctx.AddTask($"epoch {p.Epoch}/{p.Epochs}", maxValue: p.StepsPerEpoch);
                    epochTask.Value = p.Step;
                    overall.Description = $"training (loss {p.RunningLoss:F4})";
                });
                result = await run(progress, e =>
                {
                    overall.Value = e.Epoch;
                    AnsiConsole.MarkupLineInterpolated(
                        $"epoch {e.Epoch}: train loss {e.TrainLoss:F4}  val loss {e.ValLoss:F4}  val acc {e.Validation.Accuracy:F3}  val macro-F1 {e.Validation.MacroF1:F3}{(e.IsBest ? " [green](best)[/]" : "")}");
                });
            });
        return result!;
    }

    public static int Report(TrainModelResult result)
    {
        if (result.Status != ExperimentStatus.Completed)
        {
            CliErrors.Error($"experiment {result.ExperimentId:N} {result.Status.ToString().ToLowerInvariant()}: {result.FailureReason}");
            return CliErrors.Failed;
        }
        AnsiConsole.MarkupLineInterpolated($"[green]experiment[/] {result.ExperimentId:N} completed: best val macro-F1 {result.BestValMacroF1:F4} at epoch {result.BestEpoch}");
        AnsiConsole.MarkupLineInterpolated($"best checkpoint: {result.BestCheckpoint}");
        AnsiConsole.MarkupLineInterpolated($"last checkpoint: {result.LastCheckpoint}");
        return CliErrors.Ok;
    }

    /// <summary>key=value pairs; a malformed pair names itself rather than being dropped.</summary>
    public static IReadOnlyDictionary<string, string> ParseModelConfig(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>();
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
                throw new ModelConfigException(pair, $"--model-config '{pair}' is not key=value");
            result[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return result;
    }
}

/// <summary>IProgress that reports on the caller's thread, so progress bars update in step order.</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
