using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Application.Features.Training;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>Queues an experiment with the scheduler; it runs when a worker slot is free.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record StartExperimentCommand(ExperimentSpec Spec) : ICommand<ExperimentInfo>;

[RequiresRole(Roles.Researcher)]
public sealed record CancelExperimentCommand(Guid ExperimentId) : ICommand<ExperimentInfo>;

[RequiresRole(Roles.Viewer)]
public sealed record GetExperimentQuery(Guid ExperimentId) : IQuery<ExperimentInfo>;

/// <summary>The same rules as an in-process training run, so the API and the CLI refuse the same input.</summary>
public sealed class StartExperimentValidator(CaptionBoundaries.Application.Training.Isolation.RunMemoryEstimator? memory = null) : AbstractValidator<StartExperimentCommand>
{
    private readonly TrainModelValidator _training = new(memory);

    public override ValidationResult Validate(ValidationContext<StartExperimentCommand> context)
    {
        var spec = context.InstanceToValidate.Spec;
        if (spec is null) return new ValidationResult([new ValidationFailure("spec", "The experiment spec is required.")]);
        var result = _training.Validate(spec.ToTrainCommand());
        if (spec.Owner is { Length: > 100 })
            result.Errors.Add(new ValidationFailure("owner", $"An owner (user name) is at most 100 characters (got {spec.Owner.Length})."));
        return result;
    }

    public override Task<ValidationResult> ValidateAsync(ValidationContext<StartExperimentCommand> context, CancellationToken cancellation = default) =>
        Task.FromResult(Validate(context));
}

public sealed class ExperimentLifecycleHandlers(IGrainFactory grains, Plugins.PluginRegistry plugins, Tracking.TrackingDbContext db, ActorContext actors) :
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
            throw new KeyNotFoundException($"No experiment has id '{query.ExperimentId}'.");
        return await grains.GetGrain<IExperimentGrain>(query.ExperimentId).GetInfo();
    }
}
