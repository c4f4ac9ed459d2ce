using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Application.Validation;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>Queues an experiment with the scheduler; it runs when a worker slot is free.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record StartExperimentCommand(RunSpec Spec) : ICommand<ExperimentInfo>;

[RequiresRole(Roles.Researcher)]
public sealed record CancelExperimentCommand(Guid ExperimentId) : ICommand<ExperimentInfo>;

[RequiresRole(Roles.Viewer)]
public sealed record GetExperimentQuery(Guid ExperimentId) : IQuery<ExperimentInfo>;

/// <summary>The same rules as an in-process training run, so the API and the CLI refuse the same input.</summary>
public sealed class StartExperimentValidator : AbstractValidator<StartExperimentCommand>
{
    public StartExperimentValidator(IValidator<RunSpec> spec) =>
        RuleFor(c => c.Spec).NotNull().WithMessage("The experiment spec is required.").OverridePropertyName("spec")
            .DependentRules(() => RuleFor(c => c).ForwardErrorsOf(c => c.Spec, spec));
}

public sealed class ExperimentLifecycleHandlers(IGrainFactory grains, Domain.Plugins.PluginRegistry plugins, Infrastructure.Tracking.TrackingDbContext db, ActorContext actors) :
    ICommandHandler<StartExperimentCommand, ExperimentInfo>,
    ICommandHandler<CancelExperimentCommand, ExperimentInfo>,
    IQueryHandler<GetExperimentQuery, ExperimentInfo>
{
    public async ValueTask<ExperimentInfo> Handle(StartExperimentCommand command, CancellationToken ct)
    {
        // Refuse unknown plugins and config keys before anything is queued.
        var architecture = plugins.GetArchitecture(command.Spec.Architecture);
        architecture.DefaultConfig.MergeOverrides(command.Spec.ModelConfig, command.Spec.Architecture);
        plugins.GetAugmentation(command.Spec.Augmentation);
        plugins.GetEmbedder(command.Spec.Embedder);
        return await grains.GetGrain<IExperimentGrain>(Guid.NewGuid()).Submit(command.Spec with { Owner = actors.Current.Name });
    }

    public async ValueTask<ExperimentInfo> Handle(CancelExperimentCommand command, CancellationToken ct)
    {
        await ExperimentAccess.EnsureMayChange(db, actors.Current, command.ExperimentId, "cancel", ct);
        return await grains.GetGrain<IExperimentGrain>(command.ExperimentId).Cancel();
    }

    public async ValueTask<ExperimentInfo> Handle(GetExperimentQuery query, CancellationToken ct)
    {
        // Another account's private run is "not found" here as everywhere.
        var row = await db.Experiments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == query.ExperimentId, ct);
        if (row is not null && !row.IsVisibleTo(actors.Current))
            throw DomainException.NotFound($"No experiment has id '{query.ExperimentId}'.");
        return await grains.GetGrain<IExperimentGrain>(query.ExperimentId).GetInfo();
    }
}
