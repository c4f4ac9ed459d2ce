using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Plugins;
using TorchSharp;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// The held-out test split, evaluated once when a run has finished, with the weights of its best checkpoint (the one
/// validation chose): a fresh model of the run's architecture and config loads them, in eval mode, without gradients.
/// Nothing here feeds back into training, model selection or early stopping.
/// </summary>
public static class TestSplitEvaluation
{
    /// <summary>Loss and metrics on the test split, or null when the dataset has none or there is no best checkpoint.</summary>
    public static (double Loss, ClassificationMetrics Metrics)? Evaluate(TrainingRunSpec spec, string? bestCheckpoint)
    {
        if (spec.Dataset.Test.Count == 0 || bestCheckpoint is null || !File.Exists(bestCheckpoint)) return null;
        // The checkpoint holds every weight, so pretrained backbone weights need not be read again first.
        using var model = spec.Architecture.Create(ModelConfigCheck.WithoutPretrainedWeights(spec.ModelConfig));
        model.to(spec.Device);
        ModelStateBytes.Load(model, CheckpointFile.Read(bestCheckpoint).ModelState);
        return Trainer.Evaluate(model, spec.Dataset, spec.Dataset.Test, spec.Hyperparameters.BatchSize, spec.Device);
    }
}
