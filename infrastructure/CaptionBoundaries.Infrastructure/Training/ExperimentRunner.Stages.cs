using System.Text.Json;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Training;

/// <summary>
/// Multi-stage plans: each stage is a child run (its own hyperparameters, trainable parameters, metrics and
/// checkpoints) that starts from the weights the previous stage ended with. The parent carries the plan, the
/// overall best (pointing at the best stage's checkpoint) and the final weights. Run again, a plan skips its
/// completed stages and resumes the unfinished one from its last checkpoint.
/// </summary>
public sealed partial class ExperimentRunner
{
    /// <summary>The parent's recorded hyperparameters: the experiment's, with the plan's total epochs.</summary>
    private static TrainingHyperparameters PlannedHyperparameters(RunSpec runSpec) =>
        runSpec.Stages.Count == 0 ? runSpec.Hyperparameters : runSpec.Hyperparameters with { Epochs = runSpec.Stages.Sum(s => s.Epochs) };

    /// <summary>Every stage's freeze/unfreeze patterns must match the model: checked once, before anything is stored.</summary>
    private static void CheckStagePatterns(IModelArchitecture architecture, ModelConfig config, IReadOnlyList<TrainingStage> stages)
    {
        using var model = architecture.Create(config);
        var defaults = model.named_parameters().Select(p => (p.parameter, p.parameter.requires_grad)).ToList();
        for (var i = 0; i < stages.Count; i++)
        {
            foreach (var (parameter, trainable) in defaults) parameter.requires_grad = trainable;
            new ParameterSelection(stages[i].Freeze, stages[i].Unfreeze).Apply(model, $"stages[{i}]");
            if (model.CountParameters().Trainable == 0)
                throw DomainException.Invalid($"stages[{i}]: stage '{stages[i].Name}' freezes every parameter; nothing would train.");
        }
    }

    private async Task<TrainModelResult> RunStagesAsync(Experiment parent, RunSpec runSpec, RunObservers observers, CancellationToken cancellationToken)
    {
        string? previousEnd = null;
        var epochOffset = 0;
        Experiment? current = null;
        try
        {
            for (var index = 0; index < runSpec.Stages.Count; index++)
            {
                var stage = runSpec.Stages[index];
                var hyperparameters = runSpec.HyperparametersOf(stage);
                current = await StageRun(parent, index, stage, hyperparameters);
                if (current.Status == ExperimentStatus.Completed)
                {
                    previousEnd = LastCheckpointOf(current);
                    epochOffset += stage.Epochs;
                    continue;
                }

                // A stage cut off earlier resumes from its own last checkpoint; a fresh one starts from the previous stage's end.
                var resumeFrom = LastCheckpointOf(current);
                current.Status = ExperimentStatus.Running;
                current.StartedAtUtc ??= DateTime.UtcNow;
                current.FailureReason = null;
                await db.SaveChangesAsync(CancellationToken.None);

                var run = current;
                var offset = epochOffset;
                var outcome = await Task.Run(() =>
                {
                    var spec = ResolveSpec(run, runSpec, hyperparameters, resumeFrom) with
                    {
                        Trainable = new ParameterSelection(stage.Freeze, stage.Unfreeze),
                        InitialWeights = resumeFrom is null ? previousEnd : null,
                        StageLabel = $"stages[{index}]",
                    };
                    RecordEffectiveHyperparameters(run, hyperparameters, spec);
                    var steps = new StepMetricRecorder(db, run.Id, observers.OnSteps);
                    var trained = trainer.Run(spec, (epoch, written) =>
                    {
                        steps.Save();
                        RecordEpoch(run, epoch, written);
                        RecordParentBest(parent, run, offset);
                        // Observers (the console, a sweep's early-termination rule) see one continuous run.
                        observers.OnEpoch?.Invoke(epoch with { Epoch = offset + epoch.Epoch });
                    }, observers.Progress, cancellationToken, counts =>
                    {
                        parent.TotalParameters = counts.Total;
                        RecordParameters(run, counts);
                    }, last => RecordLastCheckpoint(run.Id, last), steps.Add);
                    steps.Save();
                    return trained;
                }, CancellationToken.None);

                // Early stopping ends the stage; the plan goes on with the next one.
                if (outcome.StoppedEarly is { } reason) RecordStoppedEarly(run.Id, reason);
                run.Status = ExperimentStatus.Completed;
                run.FinishedAtUtc = DateTime.UtcNow;
                await db.SaveChangesAsync(CancellationToken.None);
                previousEnd = outcome.LastCheckpoint;
                epochOffset += stage.Epochs;
            }

            RecordParentCheckpoint(parent, Trainer.LastKind, current!, Trainer.LastKind);
            await Task.Run(() => RecordPlanTestSplit(parent, runSpec), CancellationToken.None);
            parent.Status = ExperimentStatus.Completed;
            parent.FinishedAtUtc = DateTime.UtcNow;
            await db.SaveChangesAsync(CancellationToken.None);
            var best = db.Checkpoints.Local.FirstOrDefault(c => c.ExperimentId == parent.Id && c.Kind == Trainer.BestKind);
            return Result(parent, best?.Path, previousEnd);
        }
        catch (OperationCanceledException)
        {
            if (current is not null) await Finish(current, ExperimentStatus.Cancelled, "cancelled by the user");
            await Finish(parent, ExperimentStatus.Cancelled, "cancelled by the user");
            return Result(parent, null, null);
        }
        catch (Exception e)
        {
            var reason = $"{e.GetType().Name}: {e.Message}";
            if (current is not null) await Finish(current, ExperimentStatus.Failed, reason);
            await Finish(parent, ExperimentStatus.Failed, current is null ? reason : $"stage '{current.StageName}' failed: {reason}");
            return Result(parent, null, null);
        }
    }

    /// <summary>A plan's test split is evaluated once, with the plan's best checkpoint (the best stage's), on the parent run.</summary>
    private void RecordPlanTestSplit(Experiment parent, RunSpec runSpec)
    {
        var manifest = Domain.Datasets.DatasetManifest.Parse(Domain.Datasets.DatasetManifest.ReadManifestBytes(runSpec.DatasetFolder));
        if (!manifest.Samples.Any(s => s.Split == Domain.Datasets.DatasetSplit.Test)) return;
        RecordTestSplit(parent, ResolveSpec(parent, runSpec, runSpec.Hyperparameters, null), FindCheckpoint(parent.Id, Trainer.BestKind)?.Path);
    }

    /// <summary>The child run of a stage: found again when the plan is resumed, created (from the parent's settings) otherwise.</summary>
    private async Task<Experiment> StageRun(Experiment parent, int index, TrainingStage stage, TrainingHyperparameters hyperparameters)
    {
        var existing = await db.Experiments.SingleOrDefaultAsync(e => e.ParentExperimentId == parent.Id && e.StageIndex == index);
        if (existing is not null) return existing;
        var child = new Experiment
        {
            Id = Guid.NewGuid(),
            Name = $"{parent.Name}/{stage.Name}",
            ArchitectureName = parent.ArchitectureName,
            ModelConfigJson = parent.ModelConfigJson,
            HyperparametersJson = JsonSerializer.Serialize(hyperparameters.ToDictionary()),
            AugmentationName = parent.AugmentationName,
            EmbedderName = parent.EmbedderName,
            EmbedderVersion = parent.EmbedderVersion,
            DatasetIdentity = parent.DatasetIdentity,
            DatasetName = parent.DatasetName,
            DatasetPath = parent.DatasetPath,
            GitCommit = parent.GitCommit,
            Device = parent.Device,
            Status = ExperimentStatus.Queued,
            CreatedAtUtc = DateTime.UtcNow,
            ParentExperimentId = parent.Id,
            Owner = parent.Owner,
            IsPrivate = parent.IsPrivate,
            StageIndex = index,
            StageName = stage.Name,
        };
        db.Experiments.Add(child);
        await db.SaveChangesAsync(CancellationToken.None);
        return child;
    }

    private string? LastCheckpointOf(Experiment run)
    {
        var last = FindCheckpoint(run.Id, Trainer.LastKind);
        return last is not null && File.Exists(last.Path) ? last.Path : null;
    }

    /// <summary>The parent's best is the best epoch of any stage, numbered on the plan's timeline; its "best" checkpoint is that stage's.</summary>
    private void RecordParentBest(Experiment parent, Experiment stage, int epochOffset)
    {
        if (stage.BestValMacroF1 is not { } f1 || (parent.BestValMacroF1 is { } best && best >= f1)) return;
        parent.BestValMacroF1 = f1;
        parent.BestEpoch = epochOffset + stage.BestEpoch;
        RecordParentCheckpoint(parent, Trainer.BestKind, stage, Trainer.BestKind);
    }

    private void RecordParentCheckpoint(Experiment parent, string kind, Experiment stage, string stageKind)
    {
        if (FindCheckpoint(stage.Id, stageKind) is not { } source) return;
        RecordCheckpoint(parent.Id, kind, source.Epoch, source.Path, source.Sha256, source.SizeBytes, source.ValMacroF1);
        db.SaveChanges();
    }
}
