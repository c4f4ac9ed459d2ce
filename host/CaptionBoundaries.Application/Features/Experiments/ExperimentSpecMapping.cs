using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Grains;

namespace CaptionBoundaries.Application.Features.Experiments;

public static class ExperimentSpecMapping
{
    /// <summary>The in-process training command for a queued spec, on the device of the slot that runs it.</summary>
    public static TrainModelCommand ToTrainCommand(this ExperimentSpec spec, string device = "cpu") => new()
    {
        DatasetFolder = spec.DatasetFolder,
        Name = spec.Name,
        Architecture = spec.Architecture,
        ModelConfig = spec.ModelConfig,
        LearningRate = spec.LearningRate,
        BatchSize = spec.BatchSize,
        Epochs = spec.Epochs,
        WeightDecay = spec.WeightDecay,
        Seed = spec.Seed,
        ImageHeight = spec.ImageSize,
        ImageWidth = spec.ImageSize,
        Augmentation = spec.Augmentation,
        Embedder = spec.Embedder,
        Device = device,
        ResumeFrom = spec.ResumeFrom,
        Stages = spec.Stages,
        Owner = spec.Owner,
        Private = spec.Private,
    };
}
