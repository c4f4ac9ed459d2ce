using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>
/// An administrator takes a running experiment's slot: it stops at once, goes back to the queue and later resumes from
/// its last checkpoint (losing at most the epoch in progress). Who asks is recorded on the experiment.
/// Unknown experiment: a not-found <see cref="DomainException"/>; not running: a conflict.
/// </summary>
[RequiresRole(Roles.Admin)]
public sealed record PreemptExperimentCommand(Guid ExperimentId, string Reason) : ICommand<ExperimentInfo>;

public sealed class PreemptExperimentValidator : AbstractValidator<PreemptExperimentCommand>
{
    public PreemptExperimentValidator()
    {
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the run is pre-empted.")
            .MaximumLength(500).WithMessage("The reason is at most 500 characters.").OverridePropertyName("reason");
    }
}

public sealed class PreemptExperimentHandler(IGrainFactory grains, ActorContext actors) : ICommandHandler<PreemptExperimentCommand, ExperimentInfo>
{
    public async ValueTask<ExperimentInfo> Handle(PreemptExperimentCommand command, CancellationToken ct)
    {
        var experiment = grains.GetGrain<IExperimentGrain>(command.ExperimentId);
        // A grain exists for any id; one that was never submitted has no name.
        if ((await experiment.GetInfo()).Name.Length == 0)
            throw DomainException.NotFound($"No experiment {command.ExperimentId} was submitted to the scheduler.");
        return await experiment.Preempt(actors.Current.Name, command.Reason);
    }
}
