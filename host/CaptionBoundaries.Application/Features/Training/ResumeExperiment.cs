using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Infrastructure.Training;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Training;

/// <summary>
/// Continues an experiment that did not finish (failed, cancelled, or cut off with its process) from what it recorded:
/// a single run from its last checkpoint, a multi-stage plan at its first unfinished stage. Everything comes from the
/// tracking row; only the device is chosen again.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record ResumeExperimentCommand(string Id, string Device = "cpu") : ICommand<TrainModelResult>
{
    public IProgress<TrainingProgress>? Progress { get; init; }
    public Action<EpochResult>? OnEpoch { get; init; }
}

public sealed class ResumeExperimentValidator : AbstractValidator<ResumeExperimentCommand>
{
    public ResumeExperimentValidator()
    {
        RuleFor(c => c.Id).NotEmpty().MinimumLength(4).WithMessage("Experiment id prefixes need at least 4 characters.").OverridePropertyName("id");
        RuleFor(c => c.Device).Matches(Domain.Common.DeviceSelection.Pattern()).WithMessage("Device must be cpu, cuda or cuda:N.").OverridePropertyName("device");
    }
}

public sealed class ResumeExperimentHandler(TrackingDbContext db, ExperimentRunner runner, Domain.Security.ActorContext actors) : ICommandHandler<ResumeExperimentCommand, TrainModelResult>
{
    public async ValueTask<TrainModelResult> Handle(ResumeExperimentCommand command, CancellationToken cancellationToken)
    {
        var experiment = await ExperimentLookup.FindAsync(db, command.Id, actors.Current, cancellationToken);
        await ExperimentAccess.EnsureMayChange(db, actors.Current, experiment.Id, "resume", cancellationToken);
        if (experiment.ParentExperimentId is { } parent)
            throw DomainException.Invalid($"Experiment {experiment.Id:N} is stage '{experiment.StageName}' of {parent:N}; resume that experiment instead.");
        if (experiment.Status == ExperimentStatus.Completed)
            throw DomainException.Conflict($"Experiment {experiment.Id:N} already completed; start a new run to train further.");

        var last = experiment.Checkpoints.FirstOrDefault(c => c.Kind == Trainer.LastKind);
        var spec = experiment.ToRunSpec() with { Device = command.Device };
        spec = spec with { ResumeFrom = spec.Stages.Count == 0 && last is not null && File.Exists(last.Path) ? last.Path : null };
        return await runner.RunAsync(experiment.Id, spec, new RunObservers(command.Progress, command.OnEpoch), cancellationToken);
    }
}
