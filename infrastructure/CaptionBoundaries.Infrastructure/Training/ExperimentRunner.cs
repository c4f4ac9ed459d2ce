using System.Text.Json;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Training;

/// <summary>
/// Records and runs one experiment, in two steps so a scheduler can hold it between them:
/// <see cref="QueueAsync"/> refuses bad input before anything is stored, then writes the row as Queued;
/// <see cref="RunAsync"/> marks it Running, trains, and writes Completed, Failed (with the reason) or Cancelled.
/// The CLI handler calls both back to back; the experiment grain calls them at submit and when a slot is leased.
/// Live callbacks come with the run (<see cref="RunObservers"/>).
/// Scoped: it owns the request's tracking context.
/// </summary>
public sealed partial class ExperimentRunner(
    PluginRegistry plugins,
    TrackingDbContext db,
    Trainer trainer,
    CaptionBoundariesOptions options)
{
    public const int MaxReasonLength = 4000;

    /// <summary>
    /// Resolves plugins, config and device (throwing <see cref="UnknownPluginException"/>, <see cref="ModelConfigException"/>
    /// or an invalid <see cref="Domain.Errors.DomainException"/> with nothing stored) and records the experiment as Queued under the given id.
    /// </summary>
    public async Task QueueAsync(Guid experimentId, RunSpec runSpec, CancellationToken cancellationToken)
    {
        var architecture = plugins.GetArchitecture(runSpec.Architecture);
        var config = architecture.DefaultConfig.MergeOverrides(runSpec.ModelConfig, runSpec.Architecture);
        plugins.GetAugmentation(runSpec.Augmentation);
        var embedder = plugins.GetEmbedder(runSpec.Embedder);
        DeviceSelection.Resolve(runSpec.Device);
        if (runSpec.Stages.Count > 0) CheckStagePatterns(architecture, config, runSpec.Stages);
        var datasetIdentity = DatasetIdentity.Compute(runSpec.DatasetFolder);
        var datasetPath = Path.GetFullPath(runSpec.DatasetFolder);

        db.Experiments.Add(new Experiment
        {
            Id = experimentId,
            Name = runSpec.Name,
            ArchitectureName = runSpec.Architecture,
            ModelConfigJson = JsonSerializer.Serialize(config.Values),
            HyperparametersJson = JsonSerializer.Serialize(PlannedHyperparameters(runSpec).ToDictionary()),
            TrainingPlanJson = runSpec.Stages.Count > 0 ? JsonSerializer.Serialize(runSpec.Stages) : null,
            AugmentationName = runSpec.Augmentation,
            EmbedderName = runSpec.Embedder,
            EmbedderVersion = embedder.Version,
            DatasetIdentity = datasetIdentity,
            DatasetName = Path.GetFileName(datasetPath.TrimEnd(Path.DirectorySeparatorChar)),
            DatasetPath = datasetPath,
            GitCommit = GitInfo.CurrentCommit,
            Device = runSpec.Device,
            Status = ExperimentStatus.Queued,
            CreatedAtUtc = DateTime.UtcNow,
            Owner = runSpec.Owner,
            IsPrivate = runSpec.Private,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Trains a queued experiment on <see cref="RunSpec.Device"/>. Never throws for the run's own failure:
    /// the outcome (also written to the row) says Completed, Failed or Cancelled.
    /// </summary>
    public async Task<TrainModelResult> RunAsync(Guid experimentId, RunSpec runSpec, RunObservers observers, CancellationToken cancellationToken)
    {
        var experiment = await db.Experiments.SingleAsync(e => e.Id == experimentId, CancellationToken.None);
        experiment.Status = ExperimentStatus.Running;
        experiment.Device = runSpec.Device;
        experiment.StartedAtUtc ??= DateTime.UtcNow;
        experiment.FinishedAtUtc = null;
        experiment.FailureReason = null;
        await db.SaveChangesAsync(CancellationToken.None);
        if (runSpec.Stages.Count > 0) return await RunStagesAsync(experiment, runSpec, observers, cancellationToken);

        try
        {
            var outcome = await Task.Run(() =>
            {
                var spec = ResolveSpec(experiment, runSpec, runSpec.Hyperparameters, runSpec.ResumeFrom);
                RecordEffectiveHyperparameters(experiment, runSpec.Hyperparameters, spec);
                var steps = new StepMetricRecorder(db, experiment.Id, observers.OnSteps);
                var trained = trainer.Run(spec, (epoch, written) =>
                {
                    steps.Save();
                    RecordEpoch(experiment, epoch, written);
                    observers.OnEpoch?.Invoke(epoch);
                }, observers.Progress, cancellationToken, counts => RecordParameters(experiment, counts), last => RecordLastCheckpoint(experiment.Id, last), steps.Add);
                steps.Save();
                RecordTestSplit(experiment, spec, FindCheckpoint(experiment.Id, Trainer.BestKind)?.Path);
                return trained;
            }, CancellationToken.None);

            if (outcome.StoppedEarly is { } reason) RecordStoppedEarly(experiment.Id, reason);
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

    /// <summary>
    /// Ends an experiment that never reaches <see cref="RunAsync"/>'s own ending: cancelled while queued, or lost with
    /// the host that ran it (which may have left "Cancelled" from its shutdown, or nothing). A Completed row keeps its
    /// ending: the run did finish. Returns the status and reason the row ends with.
    /// </summary>
    public async Task<(ExperimentStatus Status, string? Reason)> FinishAsync(
        Guid experimentId, ExperimentStatus status, string reason, CancellationToken cancellationToken = default)
    {
        var experiment = await db.Experiments.SingleOrDefaultAsync(e => e.Id == experimentId, cancellationToken);
        if (experiment is null) return (status, reason);
        if (experiment.Status != ExperimentStatus.Completed)
            await Finish(experiment, status, reason);
        return (experiment.Status, experiment.FailureReason);
    }

    /// <summary>
    /// Records an epoch, replacing the record of the same epoch if a run resumed from an earlier checkpoint redid it
    /// (the process died after recording the epoch but before writing the checkpoint a resume starts from).
    /// </summary>
    private void RecordEpoch(Experiment experiment, EpochResult epoch, IReadOnlyList<WrittenCheckpoint> written)
    {
        var m = epoch.Validation;
        var row = db.EpochMetrics.FirstOrDefault(e => e.ExperimentId == experiment.Id && e.Epoch == epoch.Epoch);
        if (row is null) db.EpochMetrics.Add(row = new EpochMetric { ExperimentId = experiment.Id, Epoch = epoch.Epoch, PerClassF1Json = "", ConfusionMatrixJson = "" });
        row.TrainLoss = epoch.TrainLoss;
        row.ValLoss = epoch.ValLoss;
        row.ValAccuracy = m.Accuracy;
        row.ValMacroF1 = m.MacroF1;
        row.PerClassF1Json = JsonSerializer.Serialize(m.PerClassF1ByName());
        row.ConfusionMatrixJson = JsonSerializer.Serialize(m.ConfusionMatrix);
        row.DurationSeconds = epoch.DurationSeconds;
        row.RecordedAtUtc = DateTime.UtcNow;
        if (epoch.IsBest)
        {
            experiment.BestValMacroF1 = m.MacroF1;
            experiment.BestEpoch = epoch.Epoch;
        }
        foreach (var c in written)
            RecordCheckpoint(experiment.Id, c.Kind, c.Epoch, c.Path, c.Sha256, c.SizeBytes, c.ValMacroF1);
        db.SaveChanges();
    }

    /// <summary>
    /// Plugins, dataset and device for one run (resolved again at run time: the plugins may have been reloaded while
    /// the experiment waited in the queue).
    /// </summary>
    private TrainingRunSpec ResolveSpec(Experiment run, RunSpec runSpec, TrainingHyperparameters hyperparameters, string? resumeFrom)
    {
        var architecture = plugins.GetArchitecture(runSpec.Architecture);
        var config = architecture.DefaultConfig.MergeOverrides(runSpec.ModelConfig, runSpec.Architecture);
        var augmentation = plugins.GetAugmentation(runSpec.Augmentation);
        var embedder = plugins.GetEmbedder(runSpec.Embedder);
        var device = DeviceSelection.Resolve(runSpec.Device);
        var dataset = CaptionDataset.Load(runSpec.DatasetFolder, embedder, new ImageTransform(runSpec.ImageHeight, runSpec.ImageWidth));
        run.DatasetName = dataset.Name;
        return new TrainingRunSpec(
            run.Id, runSpec.Architecture, architecture, config, hyperparameters, dataset,
            runSpec.Augmentation, augmentation, runSpec.Embedder, embedder.Version, device,
            options.ExperimentFolder(run.Id), run.GitCommit, resumeFrom);
    }

    /// <summary>
    /// The hyperparameters as the run trains them, with what the device made of "auto" settings (mixed precision); the
    /// queued record could not know the device.
    /// </summary>
    private static void RecordEffectiveHyperparameters(Experiment run, TrainingHyperparameters hyperparameters, TrainingRunSpec spec) =>
        run.HyperparametersJson = JsonSerializer.Serialize(hyperparameters.ToDictionary(spec.Device.type));

    /// <summary>
    /// The held-out test split, evaluated once with the run's best checkpoint and recorded apart from validation; nothing
    /// (null columns) when the dataset has no test split. Saved with the run's ending.
    /// </summary>
    private static void RecordTestSplit(Experiment run, TrainingRunSpec spec, string? bestCheckpoint)
    {
        if (TestSplitEvaluation.Evaluate(spec, bestCheckpoint) is not var (loss, metrics)) return;
        run.TestLoss = loss;
        run.TestAccuracy = metrics.Accuracy;
        run.TestMacroF1 = metrics.MacroF1;
        run.TestPerClassF1Json = JsonSerializer.Serialize(metrics.PerClassF1ByName());
        run.TestConfusionMatrixJson = JsonSerializer.Serialize(metrics.ConfusionMatrix);
    }

    /// <summary>Why a run that completed trained fewer epochs than planned, as the run tag <see cref="StoppedEarlyTag"/>.</summary>
    private void RecordStoppedEarly(Guid experimentId, string reason)
    {
        var tag = db.RunTags.Local.FirstOrDefault(t => t.ExperimentId == experimentId && t.Key == StoppedEarlyTag)
            ?? db.RunTags.FirstOrDefault(t => t.ExperimentId == experimentId && t.Key == StoppedEarlyTag);
        if (tag is null) db.RunTags.Add(new RunTag { ExperimentId = experimentId, Key = StoppedEarlyTag, Value = reason });
        else tag.Value = reason;
    }

    /// <summary>The run tag saying why early stopping ended a run before its epoch budget (absent when it did not).</summary>
    public const string StoppedEarlyTag = "cb.stopped_early";

    /// <summary>The tracked checkpoint of a run and kind, pending in this unit of work or stored.</summary>
    private CheckpointRecord? FindCheckpoint(Guid experimentId, string kind) =>
        db.Checkpoints.Local.FirstOrDefault(c => c.ExperimentId == experimentId && c.Kind == kind)
        ?? db.Checkpoints.FirstOrDefault(c => c.ExperimentId == experimentId && c.Kind == kind);

    /// <summary>One row per run and kind ("best", "last"), moved to the newest file of that kind.</summary>
    private void RecordCheckpoint(Guid experimentId, string kind, int epoch, string path, string sha256, long sizeBytes, double valMacroF1)
    {
        var row = FindCheckpoint(experimentId, kind);
        if (row is null)
        {
            row = new CheckpointRecord { ExperimentId = experimentId, Kind = kind, Path = path, Sha256 = sha256 };
            db.Checkpoints.Add(row);
        }
        row.Epoch = epoch;
        row.Path = path;
        row.Sha256 = sha256;
        row.SizeBytes = sizeBytes;
        row.ValMacroF1 = valMacroF1;
        row.CreatedAtUtc = DateTime.UtcNow;
    }

    private void RecordLastCheckpoint(Guid experimentId, WrittenCheckpoint c)
    {
        RecordCheckpoint(experimentId, c.Kind, c.Epoch, c.Path, c.Sha256, c.SizeBytes, c.ValMacroF1);
        db.SaveChanges();
    }

    private void RecordParameters(Experiment experiment, Contracts.ParameterCount counts)
    {
        experiment.TotalParameters = counts.Total;
        experiment.TrainableParameters = counts.Trainable;
        db.SaveChanges();
    }

    private async Task Finish(Experiment experiment, ExperimentStatus status, string reason)
    {
        // A failure inside SaveChanges (e.g. a constraint) must not hide the run's own failure reason.
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is not Experiment && e.State == EntityState.Added).ToList())
            entry.State = EntityState.Detached;
        experiment.Status = status;
        experiment.FailureReason = reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason;
        experiment.FinishedAtUtc = DateTime.UtcNow;
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static TrainModelResult Result(Experiment e, string? best, string? last) =>
        new(e.Id, e.Status, e.BestValMacroF1, e.BestEpoch, best, last, e.FailureReason);
}
