using CaptionBoundaries.Application.Features.Inference;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Sweeps.Benchmark;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains.Abstractions;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Sweeps;

/// <summary>
/// Benchmarks ASHA against plain random search on the same random trials, with real training, in-process and one
/// trial at a time (see <see cref="AshaBenchmark"/>). Without <see cref="DatasetFolder"/> a synthetic dataset of
/// <see cref="SamplesPerClass"/> samples per class is generated (seed <see cref="Seed"/>) in a scratch folder and deleted
/// afterwards. Repeat r (from 0) draws and trains with seed <see cref="Seed"/> + r on the same data.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record BenchmarkAshaCommand : ICommand<AshaBenchmarkReport>
{
    public int Trials { get; init; } = 8;
    public int Epochs { get; init; } = 6;
    public int SamplesPerClass { get; init; } = 16;
    public int ImageSize { get; init; } = 32;
    public string Architecture { get; init; } = "channel_fusion_lora_resnet50";
    public IReadOnlyDictionary<string, string> ModelConfig { get; init; } = new Dictionary<string, string>();
    public int BatchSize { get; init; } = 16;
    public int Seed { get; init; } = 1;
    public int Repeats { get; init; } = 1;
    public int MinIter { get; init; } = 1;
    public int Eta { get; init; } = 3;
    public string Device { get; init; } = "cpu";
    public string? DatasetFolder { get; init; }

    public IProgress<AshaBenchmarkProgress>? Progress { get; init; }

    /// <summary>Called before each repeat starts and after it ends (with its result), for a live report.</summary>
    public Action<int, AshaBenchmarkSettings>? OnRepeatStarted { get; init; }

    public Action<int, AshaBenchmarkResult>? OnRepeatFinished { get; init; }
}

/// <summary>Every repeat's result and, over them, the median ASHA/random trial-epoch ratio.</summary>
public sealed record AshaBenchmarkReport(
    string DatasetDescription, string Architecture, int ImageSize, string Device, IReadOnlyList<AshaBenchmarkResult> Runs)
{
    public double MedianRatio => Runs.Count == 0 ? double.NaN : Median.Of(Runs.Select(r => r.Comparison.Ratio));
}

public sealed class BenchmarkAshaValidator : AbstractValidator<BenchmarkAshaCommand>
{
    public BenchmarkAshaValidator(Infrastructure.Security.Paths.RequestPaths paths)
    {
        RuleFor(c => c.Trials).InclusiveBetween(1, 1000).OverridePropertyName("trials");
        RuleFor(c => c.Epochs).InclusiveBetween(2, 1000).OverridePropertyName("epochs");
        RuleFor(c => c.MinIter).GreaterThanOrEqualTo(1).LessThan(c => c.Epochs)
            .WithMessage(c => $"--min-iter must be at least 1 and below --epochs ({c.Epochs}), or ASHA has no rung to judge at.")
            .OverridePropertyName("min_iter");
        RuleFor(c => c.Eta).InclusiveBetween(2, 100).OverridePropertyName("eta");
        RuleFor(c => c.SamplesPerClass).InclusiveBetween(4, 100_000).When(c => c.DatasetFolder is null)
            .WithMessage("--samples must be at least 4 per class, so the validation split has every class.").OverridePropertyName("samples");
        RuleFor(c => c.ImageSize).InclusiveBetween(32, 2048).OverridePropertyName("image_size");
        RuleFor(c => c.BatchSize).InclusiveBetween(1, 4096).OverridePropertyName("batch_size");
        RuleFor(c => c.Repeats).InclusiveBetween(1, 100).OverridePropertyName("repeats");
        RuleFor(c => c.Architecture).NotEmpty().OverridePropertyName("architecture");
        RuleFor(c => c.Device).Matches(DeviceSelection.Pattern()).WithMessage("Device must be cpu, cuda or cuda:N.").OverridePropertyName("device");
        RuleFor(c => c.DatasetFolder).MustBeDatasetFolder(paths)
            .When(c => c.DatasetFolder is not null)
            .OverridePropertyName("dataset");
    }
}

public sealed class BenchmarkAshaHandler(PluginRegistry plugins, Trainer trainer) : ICommandHandler<BenchmarkAshaCommand, AshaBenchmarkReport>
{
    public ValueTask<AshaBenchmarkReport> Handle(BenchmarkAshaCommand command, CancellationToken cancellationToken)
    {
        // Refused before any data is generated: an unknown architecture, config key or device.
        plugins.GetArchitecture(command.Architecture).DefaultConfig.MergeOverrides(command.ModelConfig, command.Architecture);
        DeviceSelection.Resolve(command.Device);

        var scratch = Path.Combine(Path.GetTempPath(), $"cb-bench-sweep-asha-{Guid.NewGuid():N}");
        try
        {
            string dataset, description;
            if (command.DatasetFolder is { } given)
            {
                dataset = given;
                description = Path.GetFullPath(given);
            }
            else
            {
                dataset = Path.Combine(scratch, "dataset");
                SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = dataset, SamplesPerClass = command.SamplesPerClass, Seed = command.Seed });
                var split = SyntheticSplit(dataset);
                description = $"synthetic, {command.SamplesPerClass} samples per class (seed {command.Seed}): {split}";
            }

            var runner = new TrainerTrialRunner(plugins, trainer, command.Device, Path.Combine(scratch, "trials"));
            var runs = new List<AshaBenchmarkResult>();
            for (var r = 0; r < command.Repeats; r++)
            {
                var seed = command.Seed + r;
                var settings = new AshaBenchmarkSettings
                {
                    Trials = command.Trials, Epochs = command.Epochs, Seed = seed, MinIter = command.MinIter, Eta = command.Eta,
                };
                var baseSpec = new RunSpec
                {
                    Name = "bench-sweep-asha",
                    DatasetFolder = dataset,
                    Architecture = command.Architecture,
                    ModelConfig = new Dictionary<string, string>(command.ModelConfig),
                    BatchSize = command.BatchSize,
                    Epochs = command.Epochs,
                    Seed = seed,
                    ImageHeight = command.ImageSize,
                    ImageWidth = command.ImageSize,
                };
                command.OnRepeatStarted?.Invoke(r, settings);
                var repeat = r;
                var progress = command.Progress is null ? null : new Relay(p => command.Progress.Report(p with { Repeat = repeat }));
                var result = AshaBenchmark.Run(settings, baseSpec, runner, progress, cancellationToken);
                runs.Add(result);
                command.OnRepeatFinished?.Invoke(r, result);
            }
            return ValueTask.FromResult(new AshaBenchmarkReport(description, command.Architecture, command.ImageSize, command.Device, runs));
        }
        finally
        {
            try
            {
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // A scratch folder left in the temp directory is harmless.
            }
        }
    }

    private static string SyntheticSplit(string folder)
    {
        var manifest = DatasetManifest.Load(folder);
        var validation = manifest.Samples.Count(s => s.Split == DatasetSplit.Validation);
        return $"{manifest.Samples.Count - validation} train, {validation} validation";
    }

    private sealed class Relay(Action<AshaBenchmarkProgress> report) : IProgress<AshaBenchmarkProgress>
    {
        public void Report(AshaBenchmarkProgress value) => report(value);
    }
}
