using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Security.Paths;
using CaptionBoundaries.Infrastructure.Training;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace CaptionBoundaries.Application.Features.Sweeps;

/// <summary>
/// Starts a sweep: <see cref="Definition"/> is the YAML or JSON text; <see cref="Base"/> fixes what the definition
/// does not sweep (its defaults are a single experiment's). Every trial is the base with the sampled values applied.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record StartSweepCommand(string Definition, RunSpec Base) : ICommand<SweepInfo>;

/// <summary>Every definition problem under <c>definition.&lt;path&gt;</c>, next to the base settings' own rules.</summary>
public sealed class StartSweepValidator(IValidator<RunSpec> spec, RequestPaths paths) : AbstractValidator<StartSweepCommand>
{
    private readonly IValidator<RunSpec> _spec = spec;
    private readonly RequestPaths _paths = paths;

    public override ValidationResult Validate(ValidationContext<StartSweepCommand> context)
    {
        var command = context.InstanceToValidate;
        var failures = new List<ValidationFailure>();
        if (string.IsNullOrWhiteSpace(command.Definition))
            failures.Add(new ValidationFailure("definition", "The sweep definition (YAML or JSON text) is required."));
        else
            failures.AddRange(DefinitionProblems(command.Definition).Select(e => new ValidationFailure($"definition.{e.Path}", e.ToString())));
        if (command.Base?.DatasetFolder is null || command.Base.Architecture is null)
            failures.Add(new ValidationFailure(command.Base?.DatasetFolder is null ? "dataset_folder" : "architecture", "Required."));
        else
            failures.AddRange(_spec.Validate(command.Base).Errors);
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
        var problems = TrialSpecMapping.ValueProblems(definition).ToList();
        if (!SweepMetricReader.IsKnown(definition.Metric.Name))
            problems.Add(new("metric.name", $"metric.name must be one of {string.Join(", ", SweepMetricReader.Names)} (got '{definition.Metric.Name}')"));
        // Swept weights files are paths like the base config's: each value must be one the caller may read.
        foreach (var weights in definition.Parameters.Where(p => p.Name == Contracts.PretrainedWeights.ConfigKey))
        {
            for (var i = 0; i < weights.Values.Count; i++)
            {
                var at = weights.Kind == ParameterKind.Fixed ? $"parameters.{weights.Name}.value" : $"parameters.{weights.Name}.values[{i}]";
                if (RunSpecValidator.PretrainedWeightsProblem(_paths, Convert.ToString(weights.Values[i], System.Globalization.CultureInfo.InvariantCulture)) is { } problem)
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
        var spec = command.Base;
        var architecture = plugins.GetArchitecture(spec.Architecture);
        architecture.DefaultConfig.MergeOverrides(spec.ModelConfig, spec.Architecture);
        plugins.GetAugmentation(spec.Augmentation);
        plugins.GetEmbedder(spec.Embedder);
        var unknown = TrialSpecMapping.UnknownConfigKeys(SweepDefinitionParser.Parse(command.Definition), architecture.DefaultConfig, spec.Architecture)
            .Select(e => new ValidationFailure($"definition.{e.Path}", e.ToString())).ToList();
        if (unknown.Count > 0) throw new ValidationException(unknown);
        // The sweep and its trials belong to the caller, whatever the request said.
        return await grains.GetGrain<ISweepGrain>(Guid.NewGuid()).Start(command.Definition, spec with { Owner = actors.Current.Name });
    }
}
