using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using static TorchSharp.torch;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// Everything one run needs, resolved: plugins looked up, dataset loaded, device chosen. Without
/// <paramref name="WriteCheckpoints"/> nothing is written to <paramref name="CheckpointFolder"/> (a benchmark that only
/// wants the learning curves; a ResNet-50 checkpoint is ~140 MB, twice per improving epoch).
/// </summary>
public sealed record TrainingRunSpec(
    Guid ExperimentId,
    string ArchitectureName,
    IModelArchitecture Architecture,
    ModelConfig ModelConfig,
    TrainingHyperparameters Hyperparameters,
    CaptionDataset Dataset,
    string AugmentationName,
    IAugmentationStrategy Augmentation,
    string EmbedderName,
    string EmbedderVersion,
    Device Device,
    string CheckpointFolder,
    string GitCommit,
    string? ResumeFrom,
    bool WriteCheckpoints = true)
{
    /// <summary>Which parameters train (a stage's freeze/unfreeze); the architecture's choice by default.</summary>
    public ParameterSelection Trainable { get; init; } = ParameterSelection.ArchitectureDefault;

    /// <summary>A checkpoint whose weights the model starts from (the previous stage's end), before any resume.</summary>
    public string? InitialWeights { get; init; }

    /// <summary>Where <see cref="Trainable"/> came from, for its error messages (e.g. "stages[1]").</summary>
    public string StageLabel { get; init; } = "model";
}

/// <summary>A checkpoint file the trainer wrote, with the hash tracking records.</summary>
public sealed record WrittenCheckpoint(string Kind, int Epoch, string Path, string Sha256, long SizeBytes, double ValMacroF1);

public sealed record TrainingOutcome(int LastEpoch, double BestValMacroF1, int BestEpoch, string? BestCheckpoint, string? LastCheckpoint)
{
    /// <summary>Why the run ended before its epoch budget (early stopping), or null when it trained every epoch.</summary>
    public string? StoppedEarly { get; init; }
}
