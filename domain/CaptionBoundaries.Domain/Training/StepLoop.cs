using System.Diagnostics;
using CaptionBoundaries.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// One epoch of optimiser steps: forward and backward per batch, and after each group of batches the step itself, at the
/// schedule's rate for that global step, with the gradients clipped when the recipe says so.
/// </summary>
internal sealed class StepLoop(
    TrainingRunSpec spec,
    CaptionBoundaryModel model,
    optim.Optimizer optimizer,
    IReadOnlyList<Parameter> trainable,
    StepPlan plan,
    LearningRateSchedule schedule,
    StepLossLog log)
{
    public StepLossLog Log => log;

    /// <summary>Trains one epoch; returns its mean train loss per sample.</summary>
    public double TrainEpoch(int epoch, TrainingLoss loss, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var hp = spec.Hyperparameters;
        var accumulate = plan.AccumulationSteps > 1;
        model.train();
        using var generator = new Generator((ulong)(hp.Seed * 1_000L + epoch));
        double lossSum = 0, groupLossSum = 0, groupDenominator = 0;
        long count = 0, groupCount = 0;
        var batchNumber = 0;
        optimizer.zero_grad();
        foreach (var batch in spec.Dataset.Batches(spec.Dataset.Train, hp.BatchSize, shuffle: true, seed: hp.Seed * 1_000 + epoch, spec.Device))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            using var _ = batch;
            var started = Stopwatch.GetTimestamp();
            var augmented = spec.Augmentation.Apply(batch.Inputs, generator);
            var logits = model.forward(augmented);
            double batchMean;
            if (!accumulate)
            {
                // One batch per step: the batch's mean loss, exactly as the plain loop computes it.
                var value = loss.Compute(logits, batch.Labels);
                value.backward();
                batchMean = value.item<float>();
            }
            else
            {
                // Summed over the group's batches; the step divides the gradients by the group's total denominator, so the
                // update is the one its samples would give as one batch, whatever the size of the epoch's last batch.
                var value = loss.Compute(logits, batch.Labels, nn.Reduction.Sum);
                value.backward();
                var denominator = loss.Denominator(batch.Labels);
                groupDenominator += denominator;
                batchMean = value.item<float>() / denominator;
            }
            var n = batch.Labels.shape[0];
            lossSum += batchMean * n;
            count += n;
            groupLossSum += batchMean * n;
            groupCount += n;
            batchNumber++;
            if (plan.EndsStep(batchNumber))
            {
                if (accumulate) ScaleGradients(1 / groupDenominator);
                Step(plan.StepOf(epoch, batchNumber), epoch, groupLossSum, groupCount);
                groupLossSum = groupDenominator = 0;
                groupCount = 0;
            }
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            progress?.Report(new TrainingProgress(epoch, hp.Epochs, batchNumber, plan.BatchesPerEpoch, lossSum / count, seconds));
        }
        return count == 0 ? 0 : lossSum / count;
    }

    private void Step(int step, int epoch, double lossSum, long samples)
    {
        var rate = schedule.At(step);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
        var clip = spec.Hyperparameters.Recipe.GradClipNorm;
        double norm;
        double? clipped = null;
        if (clip > 0)
        {
            norm = GradientNorm.Clip(trainable, clip);
            // Measured again on the clipped gradients: what the optimiser actually steps with.
            clipped = GradientNorm.Total(trainable);
        }
        else
        {
            norm = GradientNorm.Total(trainable);
        }
        optimizer.step();
        optimizer.zero_grad();
        log.Add(step, epoch, lossSum, samples, optimizer.ParamGroups.First().LearningRate, norm, clipped);
    }

    private void ScaleGradients(double factor)
    {
        foreach (var p in trainable)
        {
            using var grad = p.grad;
            grad?.mul_(factor);
        }
    }
}
