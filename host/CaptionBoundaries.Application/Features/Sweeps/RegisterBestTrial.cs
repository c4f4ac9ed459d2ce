using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Sweeps;

/// <summary>One step from a finished sweep to a served model: the best trial's best checkpoint becomes the model's next version.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record RegisterBestTrialCommand(Guid SweepId, string Model) : ICommand<ModelVersionInfo>;

public sealed class RegisterBestTrialValidator : AbstractValidator<RegisterBestTrialCommand>
{
    public RegisterBestTrialValidator()
    {
        RuleFor(c => c.SweepId).NotEmpty().OverridePropertyName("sweep");
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
    }
}

public sealed class RegisterBestTrialHandler(IMediator mediator) : ICommandHandler<RegisterBestTrialCommand, ModelVersionInfo>
{
    public async ValueTask<ModelVersionInfo> Handle(RegisterBestTrialCommand command, CancellationToken ct)
    {
        var best = await mediator.Send(new BestTrialQuery(command.SweepId), ct);
        return await mediator.Send(new RegisterFromExperimentCommand(command.Model, best.ExperimentId.ToString("N")), ct);
    }
}
