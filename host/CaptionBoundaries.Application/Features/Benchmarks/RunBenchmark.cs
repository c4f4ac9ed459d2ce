using System.Text.Json;
using CaptionBoundaries.Application.Features.Inference;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Benchmarks;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Benchmarks;

/// <summary>
/// Runs a fixed test set (a dataset folder's split) against versions of a served model (none given: all of them)
/// and records latency, throughput and classification metrics per version as one benchmark run.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record RunBenchmarkCommand(
    string Model,
    string DatasetFolder,
    IReadOnlyList<int> Versions,
    string Split = DatasetSplit.Validation,
    string Device = "cpu") : IModelRequest, ICommand<BenchmarkRunView>;

public sealed class RunBenchmarkValidator : AbstractValidator<RunBenchmarkCommand>
{
    public RunBenchmarkValidator(Infrastructure.Security.Paths.RequestPaths paths)
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.DatasetFolder).NotEmpty().OverridePropertyName("dataset_folder");
        RuleFor(c => c.DatasetFolder).MustBeDatasetFolder(paths)
            .When(c => !string.IsNullOrWhiteSpace(c.DatasetFolder))
            .OverridePropertyName("dataset_folder");
        RuleFor(c => c.Versions).NotNull().Must(v => v.Distinct().Count() == v.Count)
            .WithMessage("Each version may be listed once.").OverridePropertyName("versions");
        RuleFor(c => c.Versions).Must(v => v is null || v.All(n => n > 0))
            .WithMessage("Versions are numbers from 1 up.").OverridePropertyName("versions");
        RuleFor(c => c.Split).Must(BenchmarkSplits.Names.Contains)
            .WithMessage(c => $"Split '{c.Split}' is not one of: {string.Join(", ", BenchmarkSplits.Names)}.").OverridePropertyName("split");
        RuleFor(c => c.Device).Matches(DeviceSelection.Pattern()).WithMessage("Device must be cpu, cuda or cuda:N.").OverridePropertyName("device");
    }
}

public sealed class RunBenchmarkHandler(IGrainFactory grains, CheckpointLoader loader, TrackingDbContext db, ExpensiveReads gate)
    : ICommandHandler<RunBenchmarkCommand, BenchmarkRunView>
{
    public async ValueTask<BenchmarkRunView> Handle(RunBenchmarkCommand command, CancellationToken ct)
    {
        var device = DeviceSelection.Resolve(command.Device);
        var info = await ServedModelLookup.InfoAsync(grains, command.Model);
        var versions = ServedModelLookup.Versions(info, command.Versions);
        if (versions.Count == 0) throw DomainException.NotFound($"Model '{command.Model}' has no registered versions to benchmark.");
        // Every file is checked before any is measured, so a tampered version fails the run before time is spent on the others.
        foreach (var v in versions) VerifyChecksum(command.Model, v, CheckpointFile.FileSha256(v.CheckpointPath));

        var run = await gate.RunAsync(null, token => Task.Run(() => Measure(command, versions, device, token), token), ct);
        db.BenchmarkRuns.Add(run);
        // One SaveChanges for the run and all its results: a run is either recorded whole or not at all.
        await db.SaveChangesAsync(ct);
        return BenchmarkRunView.From(run);
    }

    private BenchmarkRun Measure(RunBenchmarkCommand command, IReadOnlyList<ModelVersionInfo> versions, TorchSharp.torch.Device device, CancellationToken ct)
    {
        // Versions may differ in input size or embedder; the dataset is prepared once per distinct preparation.
        var datasets = new Dictionary<(string, string, int, int), CaptionDataset>();
        var results = new List<BenchmarkResult>();
        CaptionDataset? first = null;
        foreach (var version in versions)
        {
            ct.ThrowIfCancellationRequested();
            using var loaded = loader.Load(version.CheckpointPath, device);
            VerifyChecksum(command.Model, version, loaded.Sha256);
            var meta = loaded.Metadata;
            var key = (meta.EmbedderName, meta.EmbedderVersion, meta.ImageHeight, meta.ImageWidth);
            if (!datasets.TryGetValue(key, out var dataset))
            {
                var embedder = loader.EmbedderFor(meta, $"Version {version.Version} of model '{command.Model}'");
                dataset = CaptionDataset.Load(command.DatasetFolder, embedder, new ImageTransform(meta.ImageHeight, meta.ImageWidth));
                datasets[key] = dataset;
            }
            first ??= dataset;
            var samples = BenchmarkSplits.Select(dataset, command.Split);
            if (samples.Count == 0)
                throw DomainException.Invalid($"Split '{command.Split}' of dataset '{dataset.Folder}' has no samples to benchmark on.");

            var measured = VersionBenchmarker.Measure(loaded, dataset, samples, device);
            results.Add(new BenchmarkResult
            {
                Version = version.Version,
                CheckpointSha256 = loaded.Sha256,
                LatencyP50Ms = measured.LatencyP50Ms,
                LatencyP95Ms = measured.LatencyP95Ms,
                ThroughputPerSecond = measured.ThroughputPerSecond,
                Accuracy = measured.Metrics.Accuracy,
                MacroF1 = measured.Metrics.MacroF1,
                PerClassF1Json = JsonSerializer.Serialize(measured.Metrics.PerClassF1ByName()),
                Samples = measured.Samples,
            });
        }
        return new BenchmarkRun
        {
            Id = Guid.NewGuid(),
            ModelName = command.Model,
            DatasetIdentity = first!.Identity,
            DatasetName = first.Name,
            Split = command.Split,
            CreatedAtUtc = DateTime.UtcNow,
            Device = command.Device.Trim().ToLowerInvariant(),
            Results = results,
        };
    }

    private static void VerifyChecksum(string model, ModelVersionInfo version, string actual)
    {
        if (!string.Equals(actual, version.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new CorruptCheckpointException(version.CheckpointPath,
                $"version {version.Version} of model '{model}' has SHA-256 checksum {actual}, but {version.Sha256} was recorded at registration (the file changed since); nothing was recorded");
    }
}
