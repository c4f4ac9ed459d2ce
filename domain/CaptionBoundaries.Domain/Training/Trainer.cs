using System.Diagnostics;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Datasets;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// The training loop: AdamW on the trainable parameters, cross-entropy (optionally class-weighted or label-smoothed),
/// validation after every epoch, "last" checkpoint every epoch and "best" whenever validation macro-F1 improves. The run's
/// <see cref="TrainingRecipe"/> sets the learning rate of every optimiser step (warm-up and schedule), clips gradients,
/// accumulates batches into one step, logs the mean train loss every N steps and may stop early. Seeded: the same spec
/// gives the same weights on the same device.
/// </summary>
public sealed class Trainer
{
    public const string BestKind = "best";
    public const string LastKind = "last";

    public TrainingOutcome Run(
        TrainingRunSpec spec,
        Action<EpochResult, IReadOnlyList<WrittenCheckpoint>> onEpoch,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken,
        Action<ParameterCount>? onModelReady = null,
        Action<WrittenCheckpoint>? onLastCheckpoint = null,
        Action<StepLoss>? onStepLoss = null)
    {
        var hp = spec.Hyperparameters;
        var recipe = hp.Recipe;
        torch.manual_seed(hp.Seed);
        using var model = spec.Architecture.Create(spec.ModelConfig);
        model.to(spec.Device);
        if (spec.InitialWeights is not null) ModelStateBytes.Load(model, CheckpointFile.Read(spec.InitialWeights).ModelState);
        spec.Trainable.Apply(model, spec.StageLabel);
        var counts = model.CountParameters();
        onModelReady?.Invoke(counts);
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        if (trainable.Count == 0)
            throw new InvalidOperationException($"Architecture '{spec.ArchitectureName}' has no trainable parameters.");
        using var optimizer = optim.AdamW(trainable, lr: hp.LearningRate, weight_decay: hp.WeightDecay);

        var startEpoch = 1;
        double best = double.NegativeInfinity;
        var bestEpoch = 0;
        string? bestPath = null, lastPath = null;
        var stopping = new EarlyStopping(recipe.EarlyStoppingPatience, recipe.EarlyStoppingMinDelta);
        if (spec.ResumeFrom is not null)
        {
            var resumed = Resume(spec, model, optimizer);
            startEpoch = resumed.Epoch + 1;
            best = resumed.BestValMacroF1;
            bestEpoch = resumed.BestEpoch;
            stopping.Resume(best, bestEpoch, resumed.Epoch);
        }

        var plan = StepPlan.Of(spec.Dataset.Train.Count, hp.BatchSize, recipe.GradAccumulationSteps);
        var loop = new StepLoop(spec, model, optimizer, trainable, plan,
            LearningRateSchedule.Of(recipe, hp.LearningRate, Math.Max(1, hp.Epochs * plan.StepsPerEpoch), Math.Max(1, plan.StepsPerEpoch)),
            new StepLossLog(recipe.LogEveryNSteps, onStepLoss));
        using var loss = new TrainingLoss(ClassWeights.For(recipe.ClassWeighting, spec.Dataset.TrainClassCounts), recipe.LabelSmoothing, spec.Device);
        var lastEpoch = startEpoch - 1;
        string? stoppedEarly = null;
        for (var epoch = startEpoch; epoch <= hp.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var trainLoss = loop.TrainEpoch(epoch, loss, progress, cancellationToken);
            var (valLoss, metrics) = Evaluate(model, spec.Dataset, spec.Dataset.Validation, hp.BatchSize, spec.Device);
            var isBest = metrics.MacroF1 > best;
            if (isBest)
            {
                best = metrics.MacroF1;
                bestEpoch = epoch;
            }

            var written = new List<WrittenCheckpoint>();
            byte[]? modelState = null, optimizerState = null;
            if (spec.WriteCheckpoints)
            {
                modelState = ModelStateBytes.Save(model);
                optimizerState = ModelStateBytes.Save(optimizer);
                lastPath = Path.Combine(spec.CheckpointFolder, "last.pt");
                if (onLastCheckpoint is null)
                    written.Add(WriteCheckpoint(spec, LastKind, lastPath, epoch, valLoss, metrics, best, bestEpoch, counts, modelState, optimizerState));
                if (isBest)
                {
                    bestPath = Path.Combine(spec.CheckpointFolder, "best.pt");
                    written.Add(WriteCheckpoint(spec, BestKind, bestPath, epoch, valLoss, metrics, best, bestEpoch, counts, modelState, optimizerState));
                }
            }
            onEpoch(new EpochResult(epoch, trainLoss, valLoss, metrics, clock.Elapsed.TotalSeconds, isBest), written);
            // With onLastCheckpoint, the checkpoint a resume starts from is written after the epoch is recorded: a
            // process killed in between re-runs that epoch (whose record is then replaced) instead of skipping its record.
            if (onLastCheckpoint is not null && modelState is not null)
                onLastCheckpoint(WriteCheckpoint(spec, LastKind, lastPath!, epoch, valLoss, metrics, best, bestEpoch, counts, modelState, optimizerState!));
            lastEpoch = epoch;
            if (stopping.ShouldStop(epoch, metrics.MacroF1))
            {
                stoppedEarly = stopping.Reason(epoch);
                break;
            }
        }
        loop.Log.Flush();
        return new TrainingOutcome(lastEpoch, best, bestEpoch, bestPath, lastPath) { StoppedEarly = stoppedEarly };
    }

    /// <summary>Validation loss and metrics of a model on some samples (eval mode, no gradients).</summary>
    public static (double Loss, ClassificationMetrics Metrics) Evaluate(
        nn.Module<CaptionInputs, Tensor> model, CaptionDataset dataset, IReadOnlyList<DatasetSample> samples, int batchSize, Device device)
    {
        model.eval();
        var confusion = ClassificationMetrics.EmptyConfusion();
        double lossSum = 0;
        long count = 0;
        using var noGrad = torch.no_grad();
        foreach (var batch in dataset.Batches(samples, batchSize, shuffle: false, seed: 0, device))
        {
            using var scope = torch.NewDisposeScope();
            using var _ = batch;
            var logits = model.forward(batch.Inputs);
            lossSum += nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>();
            var predicted = logits.argmax(1).cpu().data<long>().ToArray();
            var truth = batch.Labels.cpu().data<long>().ToArray();
            for (var i = 0; i < truth.Length; i++) confusion[truth[i]][predicted[i]]++;
            count += truth.Length;
        }
        return (count == 0 ? 0 : lossSum / count, ClassificationMetrics.FromConfusion(confusion));
    }

    private static WrittenCheckpoint WriteCheckpoint(
        TrainingRunSpec spec, string kind, string path, int epoch, double valLoss, ClassificationMetrics metrics,
        double best, int bestEpoch, ParameterCount counts, byte[] modelState, byte[] optimizerState)
    {
        var metadata = new CheckpointMetadata
        {
            ArchitectureName = spec.ArchitectureName,
            ModelConfig = spec.ModelConfig.Values,
            Hyperparameters = spec.Hyperparameters.ToDictionary(spec.Device.type),
            ImageHeight = spec.Dataset.Transform.Height,
            ImageWidth = spec.Dataset.Transform.Width,
            Classes = TaskSpec.Classes,
            EmbedderName = spec.EmbedderName,
            EmbedderVersion = spec.EmbedderVersion,
            AugmentationName = spec.AugmentationName,
            DatasetIdentity = spec.Dataset.Identity,
            DatasetName = spec.Dataset.Name,
            ExperimentId = spec.ExperimentId,
            GitCommit = spec.GitCommit,
            Kind = kind,
            Epoch = epoch,
            ValMacroF1 = metrics.MacroF1,
            ValAccuracy = metrics.Accuracy,
            ValLoss = valLoss,
            BestValMacroF1 = best,
            BestEpoch = bestEpoch,
            TotalParameters = counts.Total,
            TrainableParameters = counts.Trainable,
        };
        var sha = CheckpointFile.Write(path, metadata, modelState, optimizerState);
        return new WrittenCheckpoint(kind, epoch, path, sha, new FileInfo(path).Length, metrics.MacroF1);
    }

    private static CheckpointMetadata Resume(TrainingRunSpec spec, CaptionBoundaryModel model, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        var contents = CheckpointFile.Read(spec.ResumeFrom!);
        var meta = contents.Metadata;
        if (meta.ArchitectureName != spec.ArchitectureName)
            throw new InvalidOperationException(
                $"Cannot resume from '{spec.ResumeFrom}': it was trained with architecture '{meta.ArchitectureName}', not '{spec.ArchitectureName}'.");
        if (!meta.ModelConfig.OrderBy(kv => kv.Key).SequenceEqual(spec.ModelConfig.Values.OrderBy(kv => kv.Key)))
            throw new InvalidOperationException(
                $"Cannot resume from '{spec.ResumeFrom}': its model config ({string.Join(", ", meta.ModelConfig.Select(kv => $"{kv.Key}={kv.Value}"))}) differs from this run's ({spec.ModelConfig}).");
        if (meta.DatasetIdentity != spec.Dataset.Identity)
            throw new InvalidOperationException(
                $"Cannot resume from '{spec.ResumeFrom}': it was trained on dataset {meta.DatasetIdentity[..12]}, this run uses {spec.Dataset.Identity[..12]}.");
        ModelStateBytes.Load(model, contents.ModelState);
        if (contents.OptimizerState.Length > 0) ModelStateBytes.Load(optimizer, contents.OptimizerState);
        return meta;
    }
}
