using System.CommandLine;
using CaptionBoundaries.Bench.Asha;
using CaptionBoundaries.Bench.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// `bench …`: benchmarks run from this process that print a report; nothing is tracked. Each command only reads its
/// options; the benches themselves live in the CaptionBoundaries.Bench project.
/// </summary>
public static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks run from this process that print a report (nothing is recorded).");
        bench.Subcommands.Add(SweepAsha());
        bench.Subcommands.Add(LoadBenchCommand.Create());
        bench.Subcommands.Add(BenchPyTorchCommand.Create());
        bench.Subcommands.Add(Tracking());
        return bench;
    }

    private static Command SweepAsha()
    {
        var trials = new Option<int>("--trials") { Description = "Random trials, the same for both methods", DefaultValueFactory = _ => 8 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of a trial that is never stopped (ASHA's max_iter)", DefaultValueFactory = _ => 6 };
        var samples = new Option<int>("--samples") { Description = "Synthetic samples per class (a quarter go to validation)", DefaultValueFactory = _ => 16 };
        var imageSize = new Option<int>("--image-size") { Description = "Model input side in pixels", DefaultValueFactory = _ => 32 };
        var architecture = new Option<string>("--architecture", "-a") { Description = "Architecture to train", DefaultValueFactory = _ => "channel_fusion_lora_resnet50" };
        var modelConfig = new Option<string[]>("--model-config", "-m") { Description = "Model config overrides as key=value (repeatable)", AllowMultipleArgumentsPerToken = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Batch size", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed") { Description = "Seed of the dataset, the parameter draws and the training", DefaultValueFactory = _ => 1 };
        var repeats = new Option<int>("--repeats") { Description = "Repeat with seeds seed, seed+1, … (same data) and report the median ratio", DefaultValueFactory = _ => 1 };
        var minIter = new Option<int>("--min-iter") { Description = "ASHA's first rung (epochs)", DefaultValueFactory = _ => 1 };
        var eta = new Option<int>("--eta") { Description = "ASHA's reduction factor: the top 1/eta go on at each rung", DefaultValueFactory = _ => 3 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var dataset = new Option<string?>("--dataset") { Description = "Use this dataset folder instead of generating a synthetic one" };

        var command = new Command("sweep-asha",
            "Random search with every trial trained all its epochs, against the same random trials under ASHA early stopping: " +
            "the trial-epochs each spends until it first reaches random search's best val macro-F1, and their ratio.")
        {
            trials, epochs, samples, imageSize, architecture, modelConfig, batchSize, seed, repeats, minIter, eta, device, dataset,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            await using var services = await CliServices.BuildAsync(parse, ct);
            await using var scope = services.CreateAsyncScope();
            var bench = ActivatorUtilities.CreateInstance<AshaBench>(scope.ServiceProvider);
            await AshaBenchConsole.RunAsync(bench, new AshaBenchRequest
            {
                Trials = parse.GetValue(trials),
                Epochs = parse.GetValue(epochs),
                SamplesPerClass = parse.GetValue(samples),
                ImageSize = parse.GetValue(imageSize),
                Architecture = parse.GetValue(architecture)!,
                ModelConfig = TrainCommand.ParseModelConfig(parse.GetValue(modelConfig) ?? []),
                BatchSize = parse.GetValue(batchSize),
                Seed = parse.GetValue(seed),
                Repeats = parse.GetValue(repeats),
                MinIter = parse.GetValue(minIter),
                Eta = parse.GetValue(eta),
                Device = parse.GetValue(device)!,
                DatasetFolder = parse.GetValue(dataset),
            }, ct);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command Tracking()
    {
        var batches = new Option<int>("--batches") { Description = "log-batch calls per pass", DefaultValueFactory = _ => 50 };
        var batchSize = new Option<int>("--batch-size") { Description = "Metric points per call (MLflow allows up to 1000)", DefaultValueFactory = _ => 1000 };
        var repeats = new Option<int>("--repeats") { Description = "Passes per provider (providers alternate)", DefaultValueFactory = _ => 3 };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "A PostgreSQL server's connection string (a fresh database is created on it and dropped); default: " +
                "CAPTIONBOUNDARIES_TEST_POSTGRES when set, else SQLite only",
        };
        var command = new Command("tracking",
            "MLflow log-batch ingestion into the tracking store (metrics/s), on SQLite and PostgreSQL side by side.")
        {
            batches, batchSize, repeats, postgres,
        };
        command.SetAction((parse, ct) => CliErrors.Run(async () =>
        {
            var request = new TrackingIngestRequest(
                Math.Clamp(parse.GetValue(batches), 1, 100_000),
                Math.Clamp(parse.GetValue(batchSize), 1, Domain.Tracking.RunLogBatch.MaxMetrics),
                Math.Clamp(parse.GetValue(repeats), 1, 100),
                parse.GetValue(postgres) ?? NullIfEmpty(Environment.GetEnvironmentVariable("CAPTIONBOUNDARIES_TEST_POSTGRES")),
                Path.GetTempPath());
            await TrackingIngestConsole.RunAsync(new TrackingIngestBench(), request, ct);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
