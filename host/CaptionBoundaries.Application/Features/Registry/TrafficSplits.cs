using CaptionBoundaries.Application.Features.Serving;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Serving;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace CaptionBoundaries.Application.Features.Registry;

// Traffic splits (canary and shadow): the model grain keeps the split and validates the candidate; these use cases check
// who may change it (the model's owner or an admin) and turn the grain's refusals into the API's errors.

/// <summary>
/// Starts a canary (<paramref name="SharePercent"/> 1–99) or a shadow (no share) of <paramref name="Version"/> next to
/// production, or changes the share of the running canary of that same version.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record SetTrafficSplitCommand(string Model, string Mode, int Version, int? SharePercent, string Reason = "") : IModelRequest, ICommand<SplitResult>;

/// <summary>The candidate becomes production (the validated switch) and the split ends.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record PromoteTrafficSplitCommand(string Model, string Reason = "") : IModelRequest, ICommand<SplitResult>;

/// <summary>The split ends; production is unchanged.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record AbortTrafficSplitCommand(string Model, string Reason = "") : IModelRequest, ICommand<SplitResult>;

/// <summary>The model's split and, side by side, what each of its versions did on this node (route, latency, errors, classes, shadow disagreement).</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetTrafficSplitQuery(string Model) : IModelRequest, IQuery<TrafficSplitView>;

public sealed record TrafficSplitView(
    string Model,
    int? ActiveVersion,
    TrafficSplit? Split,
    string Node,
    IReadOnlyList<VersionServingFigures> Versions,
    IReadOnlyDictionary<string, long> FailuresWithoutVersion,
    DateTime AtUtc);

public static class TrafficSplitRules
{
    public static IRuleBuilderOptions<T, string> MustBeReason<T>(this IRuleBuilder<T, string> rule) =>
        rule.MaximumLength(500).WithMessage("The reason is at most 500 characters.");
}

public sealed class SetTrafficSplitValidator : AbstractValidator<SetTrafficSplitCommand>
{
    public SetTrafficSplitValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Mode).Must(TrafficSplitModes.IsKnown)
            .WithMessage(c => $"mode must be '{TrafficSplitModes.Canary}' or '{TrafficSplitModes.Shadow}', got '{c.Mode}'.").OverridePropertyName("mode");
        RuleFor(c => c.Version).GreaterThan(0).WithMessage("version must be a registered version number (1 or more).").OverridePropertyName("version");
        RuleFor(c => c.SharePercent)
            .Must(s => s is >= TrafficSplit.MinSharePercent and <= TrafficSplit.MaxSharePercent)
            .When(c => c.Mode == TrafficSplitModes.Canary)
            .WithMessage(c => $"A canary needs share_percent between {TrafficSplit.MinSharePercent} and {TrafficSplit.MaxSharePercent} " +
                $"(the percentage of requests it answers); got {c.SharePercent?.ToString() ?? "none"}.")
            .OverridePropertyName("share_percent");
        RuleFor(c => c.SharePercent).Null().When(c => c.Mode == TrafficSplitModes.Shadow)
            .WithMessage("A shadow computes on a copy of every production request and takes no share_percent.").OverridePropertyName("share_percent");
        RuleFor(c => c.Reason).MustBeReason().OverridePropertyName("reason");
    }
}

public sealed class PromoteTrafficSplitValidator : AbstractValidator<PromoteTrafficSplitCommand>
{
    public PromoteTrafficSplitValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Reason).MustBeReason().OverridePropertyName("reason");
    }
}

public sealed class AbortTrafficSplitValidator : AbstractValidator<AbortTrafficSplitCommand>
{
    public AbortTrafficSplitValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Reason).MustBeReason().OverridePropertyName("reason");
    }
}

public sealed class GetTrafficSplitValidator : AbstractValidator<GetTrafficSplitQuery>
{
    public GetTrafficSplitValidator() => RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
}

public sealed class TrafficSplitHandlers(IGrainFactory grains, Infrastructure.Tracking.TrackingDbContext db, ActorContext actors) :
    ICommandHandler<SetTrafficSplitCommand, SplitResult>,
    ICommandHandler<PromoteTrafficSplitCommand, SplitResult>,
    ICommandHandler<AbortTrafficSplitCommand, SplitResult>
{
    public async ValueTask<SplitResult> Handle(SetTrafficSplitCommand command, CancellationToken ct) =>
        Checked(await (await Governed(command.Model, ct)).SetSplit(command.Mode, command.Version, command.SharePercent, command.Reason, actors.Current.Name));

    public async ValueTask<SplitResult> Handle(PromoteTrafficSplitCommand command, CancellationToken ct) =>
        Checked(await (await Governed(command.Model, ct)).PromoteSplit(command.Reason, actors.Current.Name));

    public async ValueTask<SplitResult> Handle(AbortTrafficSplitCommand command, CancellationToken ct) =>
        Checked(await (await Governed(command.Model, ct)).AbortSplit(command.Reason, actors.Current.Name));

    /// <summary>A split changes what clients are answered with: the model's owner or an admin decides, as for a switch.</summary>
    private async Task<IModelGrain> Governed(string model, CancellationToken ct)
    {
        await TrafficSplitModels.EnsureRegisteredAsync(grains, model);
        await ModelOwnership.EnsureGovernsAsync(db, actors.Current, model, "its traffic split", ct);
        return grains.GetGrain<IModelGrain>(model);
    }

    /// <summary>
    /// Wrong requests are the caller's (400 naming the field, or 404 for a version that does not exist); a request the
    /// model's state does not allow now (no split, one already running, a candidate that fails validation) comes back as a
    /// refused result, which the API answers with 409 like a refused switch.
    /// </summary>
    private static SplitResult Checked(SplitResult result) => result.Refusal switch
    {
        SplitRefusal.Invalid => throw new ValidationException([new ValidationFailure(result.Field ?? "", result.Reason)]),
        SplitRefusal.NotFound => throw DomainException.NotFound($"{result.Field}: {result.Reason}"),
        _ => result,
    };
}

public sealed class GetTrafficSplitHandler(IGrainFactory grains, IServingFigures figures) : IQueryHandler<GetTrafficSplitQuery, TrafficSplitView>
{
    public async ValueTask<TrafficSplitView> Handle(GetTrafficSplitQuery query, CancellationToken ct)
    {
        await TrafficSplitModels.EnsureRegisteredAsync(grains, query.Model);
        var info = await grains.GetGrain<IModelGrain>(query.Model).GetInfo();
        return new TrafficSplitView(query.Model, info.ActiveVersion, info.Split, figures.Node, figures.Of(query.Model),
            figures.FailuresWithoutVersion(query.Model), DateTime.UtcNow);
    }
}

internal static class TrafficSplitModels
{
    /// <summary>Only registered models have a split; asking a model grain that was never registered would create an empty one.</summary>
    public static async Task EnsureRegisteredAsync(IGrainFactory grains, string model)
    {
        if (!(await grains.GetGrain<IModelCatalogGrain>(0).List()).Contains(model))
            throw DomainException.NotFound($"No model named '{model}' is registered.");
    }
}
