using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Application.Validation;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Training;

/// <summary>Trains a run in this process (the CLI) and records it as an experiment; observers see its steps and epochs.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record TrainModelCommand(RunSpec Spec) : ICommand<TrainModelResult>
{
    public RunObservers Observers { get; init; } = RunObservers.None;
}

public sealed class TrainModelValidator : AbstractValidator<TrainModelCommand>
{
    public TrainModelValidator(IValidator<RunSpec> spec) =>
        RuleFor(c => c.Spec).NotNull().OverridePropertyName("spec").DependentRules(() => RuleFor(c => c).ForwardErrorsOf(c => c.Spec, spec));
}
