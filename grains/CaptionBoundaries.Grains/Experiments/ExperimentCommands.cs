using CaptionBoundaries.Application.Features.Training;

namespace CaptionBoundaries.Grains.Experiments;

/// <summary>Maps the grain's serializable spec onto the Application's training command.</summary>
public static class ExperimentCommands
{
    public static TrainModelCommand ToCommand(this ExperimentSpec spec, string device) => new()
    {
        Name = spec.Name,
        DatasetFolder = spec.DatasetFolder,
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
        ResumeFrom = spec.ResumeFrom,
        Device = device,
    };
}
