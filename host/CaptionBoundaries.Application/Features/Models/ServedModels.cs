using CaptionBoundaries.Grains;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Models;

// Served-model use cases: each request goes to the model's grain, which validates and keeps the state.

public sealed record ListServedModelsQuery : IQuery<IReadOnlyList<ModelInfo>>;

public sealed record GetServedModelQuery(string Model) : IQuery<ModelInfo>;

public sealed record RegisterModelVersionCommand(string Model, string CheckpointPath) : ICommand<ModelVersionInfo>;

public sealed record SwitchModelVersionCommand(string Model, int Version, string Reason = "") : ICommand<SwitchResult>;

public sealed record RollbackModelCommand(string Model, string Reason = "") : ICommand<SwitchResult>;

public sealed record SetModelAliasCommand(string Model, string Alias, int Version, string Reason = "") : ICommand<SwitchResult>;

/// <summary>Model names are URL path segments and grain keys: keep them simple.</summary>
public static class ModelNameRules
{
    public const string Pattern = "^[a-z0-9][a-z0-9_.-]{0,99}$";

    public static IRuleBuilderOptions<T, string> MustBeModelName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().Matches(Pattern).WithMessage("Model name must be 1-100 characters of a-z, 0-9, '_', '.', '-', starting with a letter or digit.");
}

public sealed class GetServedModelValidator : AbstractValidator<GetServedModelQuery>
{
    public GetServedModelValidator() => RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
}

public sealed class RegisterModelVersionValidator : AbstractValidator<RegisterModelVersionCommand>
{
    public RegisterModelVersionValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.CheckpointPath).NotEmpty().OverridePropertyName("checkpoint");
        RuleFor(c => c.CheckpointPath).Must(File.Exists).When(c => !string.IsNullOrWhiteSpace(c.CheckpointPath))
            .WithMessage(c => $"Checkpoint '{c.CheckpointPath}' does not exist.").OverridePropertyName("checkpoint");
    }
}

public sealed class SwitchModelVersionValidator : AbstractValidator<SwitchModelVersionCommand>
{
    public SwitchModelVersionValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Version).GreaterThan(0).OverridePropertyName("version");
        RuleFor(c => c.Reason).MaximumLength(500).OverridePropertyName("reason");
    }
}

public sealed class RollbackModelValidator : AbstractValidator<RollbackModelCommand>
{
    public RollbackModelValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Reason).MaximumLength(500).OverridePropertyName("reason");
    }
}

public sealed class SetModelAliasValidator : AbstractValidator<SetModelAliasCommand>
{
    public SetModelAliasValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Alias).NotEmpty().Matches("^[a-z][a-z0-9_-]{0,49}$").OverridePropertyName("alias");
        RuleFor(c => c.Version).GreaterThan(0).OverridePropertyName("version");
    }
}

public sealed class ServedModelHandlers(IGrainFactory grains) :
    IQueryHandler<ListServedModelsQuery, IReadOnlyList<ModelInfo>>,
    IQueryHandler<GetServedModelQuery, ModelInfo>,
    ICommandHandler<RegisterModelVersionCommand, ModelVersionInfo>,
    ICommandHandler<SwitchModelVersionCommand, SwitchResult>,
    ICommandHandler<RollbackModelCommand, SwitchResult>,
    ICommandHandler<SetModelAliasCommand, SwitchResult>
{
    public async ValueTask<IReadOnlyList<ModelInfo>> Handle(ListServedModelsQuery query, CancellationToken ct)
    {
        var names = await grains.GetGrain<IModelCatalogGrain>(0).List();
        var infos = await Task.WhenAll(names.Select(n => grains.GetGrain<IModelGrain>(n).GetInfo()));
        return infos;
    }

    public async ValueTask<ModelInfo> Handle(GetServedModelQuery query, CancellationToken ct)
    {
        var names = await grains.GetGrain<IModelCatalogGrain>(0).List();
        if (!names.Contains(query.Model)) throw new KeyNotFoundException($"No model named '{query.Model}' is registered.");
        return await grains.GetGrain<IModelGrain>(query.Model).GetInfo();
    }

    public async ValueTask<ModelVersionInfo> Handle(RegisterModelVersionCommand command, CancellationToken ct)
    {
        var version = await grains.GetGrain<IModelGrain>(command.Model).RegisterVersion(Path.GetFullPath(command.CheckpointPath));
        await grains.GetGrain<IModelCatalogGrain>(0).Add(command.Model);
        return version;
    }

    public async ValueTask<SwitchResult> Handle(SwitchModelVersionCommand command, CancellationToken ct) =>
        await (await Existing(command.Model)).Switch(command.Version, command.Reason);

    public async ValueTask<SwitchResult> Handle(RollbackModelCommand command, CancellationToken ct) =>
        await (await Existing(command.Model)).Rollback(command.Reason);

    public async ValueTask<SwitchResult> Handle(SetModelAliasCommand command, CancellationToken ct) =>
        await (await Existing(command.Model)).SetAlias(command.Alias, command.Version, command.Reason);

    private async Task<IModelGrain> Existing(string model)
    {
        var names = await grains.GetGrain<IModelCatalogGrain>(0).List();
        if (!names.Contains(model)) throw new KeyNotFoundException($"No model named '{model}' is registered.");
        return grains.GetGrain<IModelGrain>(model);
    }
}
