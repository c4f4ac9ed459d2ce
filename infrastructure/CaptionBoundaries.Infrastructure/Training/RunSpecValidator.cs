using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Domain.Training.Isolation;
using CaptionBoundaries.Infrastructure.Security.Paths;
using FluentValidation;

namespace CaptionBoundaries.Infrastructure.Training;

/// <summary>
/// The one set of rules a <see cref="RunSpec"/> must follow, checked where a spec enters: a request (train, start,
/// sweep, resume: as the caller, so paths are confined to what the caller may read) or a sweep's sampled trial.
/// Each error is under the name of the request field ("batch_size", "stages[1].lr").
/// </summary>
public sealed class RunSpecValidator : AbstractValidator<RunSpec>
{
    /// <param name="memory">This node's run memory check; absent where only the field rules apply (component tests).</param>
    /// <param name="plugins">The architectures, to check a model config as its architecture would; absent in component tests.</param>
    public RunSpecValidator(RequestPaths paths, RunMemoryEstimator? memory = null, PluginRegistry? plugins = null)
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
            .Matches(DeviceSelection.Pattern())
            .WithMessage("Device must be cpu, cuda or cuda:N.")
            .OverridePropertyName("device");
        RuleFor(c => c.Owner).MaximumLength(100)
            .WithMessage(c => $"An owner (user name) is at most 100 characters (got {c.Owner.Length}).")
            .OverridePropertyName("owner");
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
        // The config's keys and values as the architecture judges them (lora_rank=-3 is model_config.lora_rank here, at
        // submit time, not a run that fails in its worker). An unknown architecture is the plugin lookup's error.
        if (plugins is not null)
        {
            RuleFor(c => c).Custom((c, context) =>
            {
                if (ConfigProblem(plugins, c) is { } problem) context.AddFailure($"model_config.{problem.Key}", problem.Message);
            }).When(c => c.ModelConfig is not null && !string.IsNullOrWhiteSpace(c.Architecture));
        }
        RuleFor(c => c.Stages).Custom(TrainingPlanRules.Check);
        RuleFor(c => c.Recipe).Custom(TrainingRecipeRules.Check);
        if (memory is not null)
        {
            // Last, and only for sizes and configs the other rules accept: the estimate may build the model once to count
            // its parameters. An architecture that cannot check its config without building it refuses a bad value here.
            RuleFor(c => c).Custom((c, context) =>
            {
                try
                {
                    if (memory.Refusal(c) is { } refusal) context.AddFailure("memory", refusal);
                }
                catch (ModelConfigException e)
                {
                    context.AddFailure($"model_config.{e.Key}", e.Message);
                }
            }).When(c => c.BatchSize is >= 1 and <= 4096 && PretrainedWeightsProblem(paths, c.ModelConfig.GetValueOrDefault(PretrainedWeights.ConfigKey)) is null && c.ImageHeight is >= 32 and <= 2048 && c.ImageWidth is >= 32 and <= 2048
                && c.Stages.All(s => s.BatchSize is null or (>= 1 and <= 4096)) && (plugins is null || ConfigProblem(plugins, c) is null));
        }
    }

    private static ModelConfigException? ConfigProblem(PluginRegistry plugins, RunSpec spec) =>
        plugins.TryGetArchitecture(spec.Architecture, out var architecture)
            ? ModelConfigCheck.Problem(architecture, spec.Architecture, spec.ModelConfig)
            : null;

    /// <summary>Null for no weights (blank) or a weights file the caller may read; else the one "missing or not allowed" message.</summary>
    public static string? PretrainedWeightsProblem(RequestPaths paths, string? weights) =>
        string.IsNullOrWhiteSpace(weights) ? null : paths.FileProblem(weights, "Pretrained weights file");
}
