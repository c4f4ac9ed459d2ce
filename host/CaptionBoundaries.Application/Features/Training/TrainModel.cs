using CaptionBoundaries.Contracts;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Application.Training;
using CaptionBoundaries.Application.Training.Isolation;
using CaptionBoundaries.Grains;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Training;

/// <summary>Trains an architecture on a dataset folder and records the run as an experiment.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record TrainModelCommand : ICommand<TrainModelResult>
{
    public required string DatasetFolder { get; init; }
    public required string Name { get; init; }
    public required string Architecture { get; init; }
    public IReadOnlyDictionary<string, string> ModelConfig { get; init; } = new Dictionary<string, string>();
    public double LearningRate { get; init; } = 1e-3;
    public int BatchSize { get; init; } = 16;
    public int Epochs { get; init; } = 5;
    public double WeightDecay { get; init; } = 1e-2;
    public int Seed { get; init; } = 42;
    public int ImageHeight { get; init; } = 64;
    public int ImageWidth { get; init; } = 64;
    public string Augmentation { get; init; } = "none";
    public string Embedder { get; init; } = "glyph_profile";
    public string Device { get; init; } = "cpu";

    /// <summary>A "last" (or "best") checkpoint of an earlier run of the same architecture, config and dataset.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Empty: one run. Otherwise a multi-stage plan whose stages run in order as child runs of this experiment.</summary>
    public IReadOnlyList<TrainingStage> Stages { get; init; } = [];

    /// <summary>Who the run belongs to (the caller: handlers set it) and whether others may see it.</summary>
    public string Owner { get; init; } = "local";
    public bool Private { get; init; }

    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Called after each epoch is recorded (live views).</summary>
    public Action<EpochResult>? OnEpoch { get; init; }

    public TrainingHyperparameters Hyperparameters => new()
    {
        LearningRate = LearningRate,
        BatchSize = BatchSize,
        Epochs = Epochs,
        WeightDecay = WeightDecay,
        Seed = Seed,
        ImageHeight = ImageHeight,
        ImageWidth = ImageWidth,
    };

    /// <summary>A stage's hyperparameters: its own where given, the experiment's otherwise.</summary>
    public TrainingHyperparameters HyperparametersOf(TrainingStage stage) => Hyperparameters with
    {
        Epochs = stage.Epochs,
        LearningRate = stage.LearningRate ?? LearningRate,
        WeightDecay = stage.WeightDecay ?? WeightDecay,
        BatchSize = stage.BatchSize ?? BatchSize,
    };
}

public sealed record TrainModelResult(
    Guid ExperimentId,
    string Status,
    double? BestValMacroF1,
    int? BestEpoch,
    string? BestCheckpoint,
    string? LastCheckpoint,
    string? FailureReason);

public sealed class TrainModelValidator : AbstractValidator<TrainModelCommand>
{
    /// <param name="memory">This node's run memory check; absent where only the field rules apply (component tests).</param>
    public TrainModelValidator(Security.Paths.RequestPaths paths, RunMemoryEstimator? memory = null)
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200).OverridePropertyName("name");
        RuleFor(c => c.Architecture).NotEmpty().OverridePropertyName("architecture");
        RuleFor(c => c.DatasetFolder).NotEmpty().OverridePropertyName("dataset");
        RuleFor(c => c.DatasetFolder)
            .Must(f => paths.DatasetFolderProblem(f) is null)
            .When(c => !string.IsNullOrWhiteSpace(c.DatasetFolder))
            .WithMessage(c => paths.DatasetFolderProblem(c.DatasetFolder))
            .OverridePropertyName("dataset");
        RuleFor(c => c.LearningRate).GreaterThan(0).LessThanOrEqualTo(10).OverridePropertyName("lr");
        RuleFor(c => c.BatchSize).InclusiveBetween(1, 4096).OverridePropertyName("batch_size");
        RuleFor(c => c.Epochs).InclusiveBetween(1, 10_000).OverridePropertyName("epochs");
        RuleFor(c => c.WeightDecay).InclusiveBetween(0, 1).OverridePropertyName("weight_decay");
        RuleFor(c => c.ImageHeight).InclusiveBetween(32, 2048).OverridePropertyName("image_height");
        RuleFor(c => c.ImageWidth).InclusiveBetween(32, 2048).OverridePropertyName("image_width");
        RuleFor(c => c.Augmentation).NotEmpty().OverridePropertyName("augmentation");
        RuleFor(c => c.Embedder).NotEmpty().OverridePropertyName("embedder");
        RuleFor(c => c.Device)
            .Matches(Infrastructure.DeviceSelection.Pattern())
            .WithMessage("Device must be cpu, cuda or cuda:N.")
            .OverridePropertyName("device");
        RuleFor(c => c.ResumeFrom)
            .Must(p => paths.FileProblem(p, "Checkpoint") is null)
            .When(c => c.ResumeFrom is not null)
            .WithMessage(c => paths.FileProblem(c.ResumeFrom, "Checkpoint"))
            .OverridePropertyName("resume");
        // The one config value that is a path: the weights a run starts from are read by the worker and, for counting
        // parameters, were read here, so they are held to the same rule as every other path in a request.
        RuleFor(c => c.ModelConfig).Custom((config, context) =>
        {
            if (PretrainedWeightsProblem(paths, config.GetValueOrDefault(PretrainedWeights.ConfigKey)) is { } problem)
                context.AddFailure($"model_config.{PretrainedWeights.ConfigKey}", problem);
        });
        RuleFor(c => c.Stages).Custom(TrainingPlanRules.Check);
        if (memory is not null)
        {
            // Last, and only for sizes the field rules accept: the estimate builds the model once to count its parameters.
            RuleFor(c => c).Custom((c, context) =>
            {
                if (memory.Refusal(c) is { } refusal) context.AddFailure("memory", refusal);
            }).When(c => c.BatchSize is >= 1 and <= 4096 && PretrainedWeightsProblem(paths, c.ModelConfig.GetValueOrDefault(PretrainedWeights.ConfigKey)) is null && c.ImageHeight is >= 32 and <= 2048 && c.ImageWidth is >= 32 and <= 2048
                && c.Stages.All(s => s.BatchSize is null or (>= 1 and <= 4096)));
        }
    }

    /// <summary>Null for no weights (blank) or a weights file the caller may read; else the one "missing or not allowed" message.</summary>
    public static string? PretrainedWeightsProblem(Security.Paths.RequestPaths paths, string? weights) =>
        string.IsNullOrWhiteSpace(weights) ? null : paths.FileProblem(weights, "Pretrained weights file");
}
