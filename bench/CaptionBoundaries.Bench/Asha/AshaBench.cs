using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Security.Paths;
using FluentValidation;

namespace CaptionBoundaries.Bench.Asha;

/// <summary>
/// Runs <see cref="AshaBenchRequest"/>: validates it, generates the synthetic dataset unless one is given, and runs
/// <see cref="AshaBenchmark"/> once per repeat with <see cref="TrainerTrialRunner"/>. A tool of the CLI process (the local
/// operator), not a use case of the API or the console: nothing is tracked, so it is no Mediator request either.
/// </summary>
public sealed class AshaBench(PluginRegistry plugins, Trainer trainer, RequestPaths paths)
{
    public AshaBenchmarkReport Run(AshaBenchRequest request, CancellationToken cancellationToken)
    {
        new AshaBenchRequestValidator(paths).ValidateAndThrow(request);
        // Refused before any data is generated: an unknown architecture, config key or device.
        plugins.GetArchitecture(request.Architecture).DefaultConfig.MergeOverrides(request.ModelConfig, request.Architecture);
        DeviceSelection.Resolve(request.Device);

        var scratch = Path.Combine(Path.GetTempPath(), $"cb-bench-sweep-asha-{Guid.NewGuid():N}");
        try
        {
            string dataset, description;
            if (request.DatasetFolder is { } given)
            {
                dataset = given;
                description = Path.GetFullPath(given);
            }
            else
            {
                dataset = Path.Combine(scratch, "dataset");
                SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = dataset, SamplesPerClass = request.SamplesPerClass, Seed = request.Seed });
                var split = SyntheticSplit(dataset);
                description = $"synthetic, {request.SamplesPerClass} samples per class (seed {request.Seed}): {split}";
            }

            var runner = new TrainerTrialRunner(plugins, trainer, request.Device, Path.Combine(scratch, "trials"));
            var runs = new List<AshaBenchmarkResult>();
            for (var r = 0; r < request.Repeats; r++)
            {
                var seed = request.Seed + r;
                var settings = new AshaBenchmarkSettings
                {
                    Trials = request.Trials,
                    Epochs = request.Epochs,
                    Seed = seed,
                    MinIter = request.MinIter,
                    Eta = request.Eta,
                };
                var baseSpec = new RunSpec
                {
                    Name = "bench-sweep-asha",
                    DatasetFolder = dataset,
                    Architecture = request.Architecture,
                    ModelConfig = new Dictionary<string, string>(request.ModelConfig),
                    BatchSize = request.BatchSize,
                    Epochs = request.Epochs,
                    Seed = seed,
                    ImageHeight = request.ImageSize,
                    ImageWidth = request.ImageSize,
                };
                request.OnRepeatStarted?.Invoke(r, settings);
                var repeat = r;
                var progress = request.Progress is null ? null : new ProgressRelay<AshaBenchmarkProgress>(p => request.Progress.Report(p with { Repeat = repeat }));
                var result = AshaBenchmark.Run(settings, baseSpec, runner, progress, cancellationToken);
                runs.Add(result);
                request.OnRepeatFinished?.Invoke(r, result);
            }
            return new AshaBenchmarkReport(description, request.Architecture, request.ImageSize, request.Device, runs);
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
}
