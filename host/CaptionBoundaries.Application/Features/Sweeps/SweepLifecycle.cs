using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Sweeps;

[RequiresRole(Roles.Viewer)]
public sealed record GetSweepQuery(Guid SweepId) : IQuery<SweepInfo>;

[RequiresRole(Roles.Researcher)]
public sealed record PauseSweepCommand(Guid SweepId) : ICommand<SweepInfo>;

[RequiresRole(Roles.Researcher)]
public sealed record ResumeSweepCommand(Guid SweepId) : ICommand<SweepInfo>;

[RequiresRole(Roles.Researcher)]
public sealed record CancelSweepCommand(Guid SweepId) : ICommand<SweepInfo>;

/// <summary>The best finished (or early-stopped) trial by the sweep's metric and goal.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record BestTrialQuery(Guid SweepId) : IQuery<TrialInfo>;

public sealed class GetSweepValidator : AbstractValidator<GetSweepQuery>
{
    public GetSweepValidator() => RuleFor(q => q.SweepId).NotEmpty().OverridePropertyName("id");
}

public sealed class PauseSweepValidator : AbstractValidator<PauseSweepCommand>
{
    public PauseSweepValidator() => RuleFor(q => q.SweepId).NotEmpty().OverridePropertyName("id");
}

public sealed class ResumeSweepValidator : AbstractValidator<ResumeSweepCommand>
{
    public ResumeSweepValidator() => RuleFor(q => q.SweepId).NotEmpty().OverridePropertyName("id");
}

public sealed class CancelSweepValidator : AbstractValidator<CancelSweepCommand>
{
    public CancelSweepValidator() => RuleFor(q => q.SweepId).NotEmpty().OverridePropertyName("id");
}

public sealed class BestTrialValidator : AbstractValidator<BestTrialQuery>
{
    public BestTrialValidator() => RuleFor(q => q.SweepId).NotEmpty().OverridePropertyName("id");
}

public sealed class SweepLifecycleHandlers(IGrainFactory grains, ActorContext actors) :
    IQueryHandler<GetSweepQuery, SweepInfo>,
    ICommandHandler<PauseSweepCommand, SweepInfo>,
    ICommandHandler<ResumeSweepCommand, SweepInfo>,
    ICommandHandler<CancelSweepCommand, SweepInfo>,
    IQueryHandler<BestTrialQuery, TrialInfo>
{
    public async ValueTask<SweepInfo> Handle(GetSweepQuery query, CancellationToken ct) => await Sweep(query.SweepId).GetStatus();

    public async ValueTask<SweepInfo> Handle(PauseSweepCommand command, CancellationToken ct) => await (await Owned(command.SweepId, "pause")).Pause();

    public async ValueTask<SweepInfo> Handle(ResumeSweepCommand command, CancellationToken ct) => await (await Owned(command.SweepId, "resume")).Resume();

    public async ValueTask<SweepInfo> Handle(CancelSweepCommand command, CancellationToken ct) => await (await Owned(command.SweepId, "cancel")).Cancel();

    /// <summary>A sweep is paused, resumed or cancelled by its owner or an admin.</summary>
    private async Task<ISweepGrain> Owned(Guid id, string action)
    {
        var sweep = Sweep(id);
        var actor = actors.Current;
        if (actor.IsAdmin) return sweep;
        var owner = (await sweep.GetStatus()).Owner;
        if (owner != actor.Name) throw new ForbiddenException($"{actor.Name} may not {action} sweep {id}: it belongs to {owner}.");
        return sweep;
    }

    public async ValueTask<TrialInfo> Handle(BestTrialQuery query, CancellationToken ct)
    {
        var sweep = await Sweep(query.SweepId).GetStatus();
        return sweep.BestTrial is { } number
            ? sweep.Trials.Single(t => t.Number == number)
            : throw DomainException.NotFound($"Sweep {query.SweepId} has no finished trial with a {sweep.MetricName} yet.");
    }

    private ISweepGrain Sweep(Guid id) => grains.GetGrain<ISweepGrain>(id);
}
