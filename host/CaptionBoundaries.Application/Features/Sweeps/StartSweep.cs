using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Application.Plugins;
using CaptionBoundaries.Application.Sweeps;
using CaptionBoundaries.Grains;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace CaptionBoundaries.Application.Features.Sweeps;

/// <summary>
/// Starts a sweep: <see cref="Definition"/> is the YAML or JSON text; the other fields fix what the definition does not
/// sweep, with the same defaults as a single experiment.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record StartSweepCommand(
    string Definition,
    string DatasetFolder,
    string Architecture,
    int ImageSize = 64,
    int Epochs = 5,
    int BatchSize = 16,
    double LearningRate = 1e-3,
    double WeightDecay = 1e-2,
    int Seed = 42,
    string Augmentation = "none",
    string Embedder = "glyph_profile",
    Dictionary<string, string>? ModelConfig = null,
    string Owner = ExperimentSpec.DefaultOwner) : ICommand<SweepInfo>
{
    /// <summary>A multi-stage plan every trial runs: each trial is then a parent run with its stages as child runs.</summary>
    public List<TrainingStage> Stages { get; init; } = [];

    public ExperimentSpec BaseSpec() => new()
    {
        Name = "sweep",
        DatasetFolder = DatasetFolder,
        Architecture = Architecture,
        ImageSize = ImageSize,
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        WeightDecay = WeightDecay,
        Seed = Seed,
        Augmentation = Augmentation,
        Embedder = Embedder,
        ModelConfig = ModelConfig ?? [],
        Stages = Stages,
        // Trials inherit it: the scheduler's quota and fair share count a sweep's trials as its owner's runs.
        Owner = string.IsNullOrWhiteSpace(Owner) ? ExperimentSpec.DefaultOwner : Owner.Trim(),
    };
}

/// <summary>Every definition problem under <c>definition.&lt;path&gt;</c>, next to the base settings' own rules.</summary>
public sealed class StartSweepValidator(IValidator<TrainModelCommand> training, Security.Paths.RequestPaths paths) : AbstractValidator<StartSweepCommand>
{
    private readonly IValidator<TrainModelCommand> _training = training;
    private readonly Security.Paths.RequestPaths _paths = paths;

    public override ValidationResult Validate(ValidationContext<StartSweepCommand> context)
    {
        var command = context.InstanceToValidate;
        var failures = new List<ValidationFailure>();
        if (string.IsNullOrWhiteSpace(command.Definition))
            failures.Add(new ValidationFailure("definition", "The sweep definition (YAML or JSON text) is required."));
        else
            failures.AddRange(DefinitionProblems(command.Definition).Select(e => new ValidationFailure($"definition.{e.Path}", e.ToString())));
        if (command.DatasetFolder is null || command.Architecture is null)
            failures.Add(new ValidationFailure(command.DatasetFolder is null ? "dataset_folder" : "architecture", "Required."));
        else
            failures.AddRange(_training.Validate(command.BaseSpec().ToTrainCommand()).Errors);
        if (command.Owner is { Length: > 100 })
            failures.Add(new ValidationFailure("owner", $"An owner (user name) is at most 100 characters (got {command.Owner.Length})."));
        return new ValidationResult(failures);
    }

    public override Task<ValidationResult> ValidateAsync(ValidationContext<StartSweepCommand> context, CancellationToken cancellation = default) =>
        Task.FromResult(Validate(context));

    private IEnumerable<SweepDefinitionError> DefinitionProblems(string text)
    {
        SweepDefinition definition;
        try
        {
            definition = SweepDefinitionParser.Parse(text);
        }
        catch (SweepDefinitionException e)
        {
            return e.Errors;
        }
        var problems = new List<SweepDefinitionError>();
        if (!SweepMetricReader.IsKnown(definition.Metric.Name))
            problems.Add(new("metric.name", $"metric.name must be one of {string.Join(", ", SweepMetricReader.Names)} (got '{definition.Metric.Name}')"));
        // Swept weights files are paths like the base config's: each value must be one the caller may read.
        foreach (var weights in definition.Parameters.Where(p => p.Name == Contracts.PretrainedWeights.ConfigKey))
        {
            for (var i = 0; i < weights.Values.Count; i++)
            {
                var at = weights.Kind == ParameterKind.Fixed ? $"parameters.{weights.Name}.value" : $"parameters.{weights.Name}.values[{i}]";
                if (TrainModelValidator.PretrainedWeightsProblem(_paths, Convert.ToString(weights.Values[i], System.Globalization.CultureInfo.InvariantCulture)) is { } problem)
                    problems.Add(new(at, problem));
            }
        }
        return problems;
    }
}

public sealed class StartSweepHandler(IGrainFactory grains, PluginRegistry plugins, ActorContext actors) : ICommandHandler<StartSweepCommand, SweepInfo>
{
    public async ValueTask<SweepInfo> Handle(StartSweepCommand command, CancellationToken ct)
    {
        // Refused here, field by field, before anything is stored: a misspelt config key would otherwise fail every trial.
        var architecture = plugins.GetArchitecture(command.Architecture);
        architecture.DefaultConfig.MergeOverrides(command.ModelConfig ?? [], command.Architecture);
        plugins.GetAugmentation(command.Augmentation);
        plugins.GetEmbedder(command.Embedder);
        var unknown = TrialSpecMapping.UnknownConfigKeys(SweepDefinitionParser.Parse(command.Definition), architecture.DefaultConfig, command.Architecture)
            .Select(e => new ValidationFailure($"definition.{e.Path}", e.ToString())).ToList();
        if (unknown.Count > 0) throw new ValidationException(unknown);
        // The sweep and its trials belong to the caller, whatever the request said.
        return await grains.GetGrain<ISweepGrain>(Guid.NewGuid()).Start(command.Definition, (command with { Owner = actors.Current.Name }).BaseSpec());
    }
}
