using System.Text.Json;
using CaptionBoundaries.Application.Datasets;
using CaptionBoundaries.Application.Infrastructure;
using CaptionBoundaries.Application.Plugins;
using CaptionBoundaries.Application.Tracking;
using CaptionBoundaries.Application.Training;
using CaptionBoundaries.Contracts;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Training;

/// <summary>
/// Resolves plugins and config (bad input is refused before anything is stored), then records the experiment
/// and trains. From the moment the experiment row exists, every outcome (completed, failed with the reason,
/// cancelled) is written to it: a run is never lost.
/// </summary>
public sealed class TrainModelHandler(
    PluginRegistry plugins,
    TrackingDbContext db,
    Trainer trainer,
    CaptionBoundariesOptions options) : ICommandHandler<TrainModelCommand, TrainModelResult>
{
    public async ValueTask<TrainModelResult> Handle(TrainModelCommand command, CancellationToken cancellationToken)
    {
        var architecture = plugins.GetArchitecture(command.Architecture);
        var config = architecture.DefaultConfig.MergeOverrides(command.ModelConfig, command.Architecture);
        var augmentation = plugins.GetAugmentation(command.Augmentation);
        var embedder = plugins.GetEmbedder(command.Embedder);
        var device = DeviceSelection.Resolve(command.Device);
        var datasetIdentity = DatasetIdentity.Compute(command.DatasetFolder);

        var experiment = new Experiment
        {
            Id = Guid.NewGuid(),
            Name = command.Name,
            ArchitectureName = command.Architecture,
            ModelConfigJson = JsonSerializer.Serialize(config.Values),
            HyperparametersJson = JsonSerializer.Serialize(command.Hyperparameters.ToDictionary()),
            AugmentationName = command.Augmentation,
            EmbedderName = command.Embedder,
            EmbedderVersion = embedder.Version,
            DatasetIdentity = datasetIdentity,
            DatasetName = Path.GetFileName(Path.GetFullPath(command.DatasetFolder).TrimEnd(Path.DirectorySeparatorChar)),
            DatasetPath = Path.GetFullPath(command.DatasetFolder),
            GitCommit = GitInfo.CurrentCommit,
            Device = command.Device,
            Status = ExperimentStatus.Running,
            CreatedAtUtc = DateTime.UtcNow,
            StartedAtUtc = DateTime.UtcNow,
        };
        db.Experiments.Add(experiment);
        await db.SaveChangesAsync(cancellationToken);

        try
        {
            var outcome = await Task.Run(() =>
            {
                var dataset = CaptionDataset.Load(command.DatasetFolder, embedder,
                    new ImageTransform(command.ImageHeight, command.ImageWidth));
                experiment.DatasetName = dataset.Name;
                var spec = new TrainingRunSpec(
                    experiment.Id, command.Architecture, architecture, config, command.Hyperparameters, dataset,
                    command.Augmentation, augmentation, command.Embedder, embedder.Version, device,
                    options.ExperimentFolder(experiment.Id), experiment.GitCommit, command.ResumeFrom);
                return trainer.Run(spec, (epoch, written) =>
                {
                    RecordEpoch(experiment, epoch, written);
                    command.OnEpoch?.Invoke(epoch);
                }, command.Progress, cancellationToken);
            }, CancellationToken.None);

            experiment.Status = ExperimentStatus.Completed;
            experiment.FinishedAtUtc = DateTime.UtcNow;
            await db.SaveChangesAsync(CancellationToken.None);
            return Result(experiment, outcome.BestCheckpoint, outcome.LastCheckpoint);
        }
        catch (OperationCanceledException)
        {
            await Finish(experiment, ExperimentStatus.Cancelled, "cancelled by the user");
            return Result(experiment, null, null);
        }
        catch (Exception e)
        {
            await Finish(experiment, ExperimentStatus.Failed, $"{e.GetType().Name}: {e.Message}");
            return Result(experiment, null, null);
        }
    }

    private void RecordEpoch(Experiment experiment, EpochResult epoch, IReadOnlyList<WrittenCheckpoint> written)
    {
        var m = epoch.Validation;
        db.EpochMetrics.Add(new EpochMetric
        {
            ExperimentId = experiment.Id,
            Epoch = epoch.Epoch,
            TrainLoss = epoch.TrainLoss,
            ValLoss = epoch.ValLoss,
            ValAccuracy = m.Accuracy,
            ValMacroF1 = m.MacroF1,
            PerClassF1Json = JsonSerializer.Serialize(m.PerClassF1ByName()),
            ConfusionMatrixJson = JsonSerializer.Serialize(m.ConfusionMatrix),
            DurationSeconds = epoch.DurationSeconds,
            RecordedAtUtc = DateTime.UtcNow,
        });
        if (epoch.IsBest)
        {
            experiment.BestValMacroF1 = m.MacroF1;
            experiment.BestEpoch = epoch.Epoch;
        }
        foreach (var checkpoint in written)
        {
            var row = db.Checkpoints.Local.FirstOrDefault(c => c.ExperimentId == experiment.Id && c.Kind == checkpoint.Kind)
                      ?? db.Checkpoints.FirstOrDefault(c => c.ExperimentId == experiment.Id && c.Kind == checkpoint.Kind);
            if (row is null)
            {
                row = new CheckpointRecord { ExperimentId = experiment.Id, Kind = checkpoint.Kind, Path = checkpoint.Path, Sha256 = checkpoint.Sha256 };
                db.Checkpoints.Add(row);
            }
            row.Epoch = checkpoint.Epoch;
            row.Path = checkpoint.Path;
            row.Sha256 = checkpoint.Sha256;
            row.SizeBytes = checkpoint.SizeBytes;
            row.ValMacroF1 = checkpoint.ValMacroF1;
            row.CreatedAtUtc = DateTime.UtcNow;
        }
        db.SaveChanges();
    }

    private async Task Finish(Experiment experiment, ExperimentStatus status, string reason)
    {
        // A failure inside SaveChanges (e.g. a constraint) must not hide the run's own failure reason.
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is not Experiment && e.State == EntityState.Added).ToList())
            entry.State = EntityState.Detached;
        experiment.Status = status;
        experiment.FailureReason = reason.Length > 4000 ? reason[..4000] : reason;
        experiment.FinishedAtUtc = DateTime.UtcNow;
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static TrainModelResult Result(Experiment e, string? best, string? last) =>
        new(e.Id, e.Status.ToString(), e.BestValMacroF1, e.BestEpoch, best, last, e.FailureReason);
}
