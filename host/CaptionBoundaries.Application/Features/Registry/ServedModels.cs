using CaptionBoundaries.Application.Features.Inference;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Registry;

// Served-model use cases: each request goes to the model's grain, which validates and keeps the state.

[RequiresRole(Roles.Viewer)]
public sealed record ListServedModelsQuery : IQuery<IReadOnlyList<ModelInfo>>;

[RequiresRole(Roles.Viewer)]
public sealed record GetServedModelQuery(string Model) : IModelRequest, IQuery<ModelInfo>;

[RequiresRole(Roles.Researcher)]
public sealed record RegisterModelVersionCommand(string Model, string CheckpointPath) : IModelRequest, ICommand<ModelVersionInfo>;

/// <summary>Registers the best (or last) checkpoint of a tracked experiment: one command from run to version.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record RegisterFromExperimentCommand(string Model, string ExperimentId, string Kind = "best") : IModelRequest, ICommand<ModelVersionInfo>;

/// <summary>Makes a model private (seen by its owner and admins only) or shared again; its owner or an admin decides.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record SetModelVisibilityCommand(string Model, bool Private) : IModelRequest, ICommand<ModelVisibilityInfo>;

public sealed record ModelVisibilityInfo(string Model, string Owner, bool Private);

[RequiresRole(Roles.Researcher)]
public sealed record SwitchModelVersionCommand(string Model, int Version, string Reason = "") : IModelRequest, ICommand<SwitchResult>;

[RequiresRole(Roles.Researcher)]
public sealed record RollbackModelCommand(string Model, string Reason = "") : IModelRequest, ICommand<SwitchResult>;

/// <summary>
/// Points an alias at a version; an alias already on another version is refused unless <paramref name="Move"/>. No
/// default: the API moves only when the body says "move": true, the console after the user confirmed the move.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record SetModelAliasCommand(string Model, string Alias, int Version, string Reason, bool Move) : IModelRequest, ICommand<SwitchResult>;

[RequiresRole(Roles.Researcher)]
public sealed record PromoteModelCommand(string Model, string From = "staging", string To = "production", string Reason = "") : IModelRequest, ICommand<SwitchResult>;

[RequiresRole(Roles.Researcher)]
public sealed record ArchiveModelVersionCommand(string Model, int Version, string Reason = "") : IModelRequest, ICommand<SwitchResult>;

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
    public RegisterModelVersionValidator(Infrastructure.Security.Paths.RequestPaths paths)
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.CheckpointPath).NotEmpty().OverridePropertyName("checkpoint");
        RuleFor(c => c.CheckpointPath).MustBeCheckpointFile(paths).When(c => !string.IsNullOrWhiteSpace(c.CheckpointPath))
            .OverridePropertyName("checkpoint");
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

public sealed class RegisterFromExperimentValidator : AbstractValidator<RegisterFromExperimentCommand>
{
    public RegisterFromExperimentValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.ExperimentId).NotEmpty().MinimumLength(4).OverridePropertyName("experiment");
        RuleFor(c => c.Kind).Must(k => k is "best" or "last").WithMessage("Checkpoint kind must be 'best' or 'last'.").OverridePropertyName("kind");
    }
}

public sealed class PromoteModelValidator : AbstractValidator<PromoteModelCommand>
{
    public PromoteModelValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.From).NotEmpty().Matches("^[a-z][a-z0-9_-]{0,49}$").OverridePropertyName("from");
        RuleFor(c => c.To).NotEmpty().Matches("^[a-z][a-z0-9_-]{0,49}$").OverridePropertyName("to");
        RuleFor(c => c.To).NotEqual(c => c.From).WithMessage("'from' and 'to' must be different aliases.").OverridePropertyName("to");
    }
}

public sealed class ArchiveModelVersionValidator : AbstractValidator<ArchiveModelVersionCommand>
{
    public ArchiveModelVersionValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(c => c.Version).GreaterThan(0).OverridePropertyName("version");
    }
}

public sealed class ServedModelHandlers(IGrainFactory grains, Infrastructure.Tracking.TrackingDbContext db, ActorContext actors, PrivateModels privateModels, Infrastructure.Security.Paths.RequestPaths paths,
    Domain.Common.CaptionBoundariesOptions options) :
    IQueryHandler<ListServedModelsQuery, IReadOnlyList<ModelInfo>>,
    IQueryHandler<GetServedModelQuery, ModelInfo>,
    ICommandHandler<RegisterModelVersionCommand, ModelVersionInfo>,
    ICommandHandler<UploadModelVersionCommand, ModelVersionInfo>,
    ICommandHandler<SwitchModelVersionCommand, SwitchResult>,
    ICommandHandler<RollbackModelCommand, SwitchResult>,
    ICommandHandler<SetModelAliasCommand, SwitchResult>,
    ICommandHandler<PromoteModelCommand, SwitchResult>,
    ICommandHandler<ArchiveModelVersionCommand, SwitchResult>,
    ICommandHandler<RegisterFromExperimentCommand, ModelVersionInfo>,
    ICommandHandler<SetModelVisibilityCommand, ModelVisibilityInfo>
{
    public async ValueTask<ModelVisibilityInfo> Handle(SetModelVisibilityCommand command, CancellationToken ct)
    {
        await Existing(command.Model, governed: true, ct);
        var access = await AccessOf(command.Model, ct);
        access.IsPrivate = command.Private;
        access.ChangedAtUtc = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        privateModels.Forget();
        return new ModelVisibilityInfo(access.ModelName, access.Owner, access.IsPrivate);
    }

    /// <summary>The model's access row, made on first use with the owner the registry knows (whoever registered version 1).</summary>
    private async Task<Infrastructure.Tracking.ModelAccess> AccessOf(string model, CancellationToken ct)
    {
        var access = await db.ModelAccess.FirstOrDefaultAsync(a => a.ModelName == model, ct);
        if (access is not null) return access;
        access = new Infrastructure.Tracking.ModelAccess { ModelName = model, Owner = await OwnerOf(model, ct) ?? Actor, ChangedAtUtc = DateTime.UtcNow };
        db.ModelAccess.Add(access);
        return access;
    }

    public async ValueTask<IReadOnlyList<ModelInfo>> Handle(ListServedModelsQuery query, CancellationToken ct)
    {
        var hidden = await privateModels.HiddenFromAsync(db, actors.Current, ct);
        var names = (await grains.GetGrain<IModelCatalogGrain>(0).List()).Where(n => !hidden.Contains(n)).ToList();
        var infos = await Task.WhenAll(names.Select(n => grains.GetGrain<IModelGrain>(n).GetInfo()));
        return infos;
    }

    public async ValueTask<ModelInfo> Handle(GetServedModelQuery query, CancellationToken ct)
    {
        var names = await grains.GetGrain<IModelCatalogGrain>(0).List();
        if (!names.Contains(query.Model)) throw DomainException.NotFound($"No model named '{query.Model}' is registered.");
        return await grains.GetGrain<IModelGrain>(query.Model).GetInfo();
    }

    public async ValueTask<ModelVersionInfo> Handle(RegisterModelVersionCommand command, CancellationToken ct)
    {
        await EnsureMayRegister(command.Model, ct);
        // The canonical path (links resolved) that was checked, not the text that was sent.
        var path = paths.File(command.CheckpointPath, "checkpoint", "Checkpoint");
        // A run's own checkpoint named by its path keeps the run as lineage, as if registered from the run (the path
        // rules let an account name only runs it may see); any other file is an upload, whatever its metadata claims.
        var fromRun = await db.Checkpoints.AnyAsync(c => c.Path == path || c.Path == command.CheckpointPath, ct);
        return await Register(command.Model, path, fromRun ? ExperimentSource : UploadSource);
    }

    public async ValueTask<ModelVersionInfo> Handle(UploadModelVersionCommand command, CancellationToken ct)
    {
        await EnsureMayRegister(command.Model, ct);
        var staged = await Domain.Common.UploadStaging.StageAsync(options, command.Content, command.MaxBytes, ct);
        try
        {
            // The grain checks the checkpoint and copies it into the registry store; the staged file is then not needed.
            return await Register(command.Model, staged, UploadSource);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    public async ValueTask<ModelVersionInfo> Handle(RegisterFromExperimentCommand command, CancellationToken ct)
    {
        await EnsureMayRegister(command.Model, ct);
        var experiment = await Experiments.ExperimentLookup.FindAsync(db, command.ExperimentId, actors.Current, ct);
        var checkpoint = experiment.Checkpoints.FirstOrDefault(c => c.Kind == command.Kind)
            ?? throw DomainException.NotFound($"Experiment {experiment.Id:N} ({experiment.Name}, {experiment.Status}) has no '{command.Kind}' checkpoint.");
        if (!File.Exists(checkpoint.Path))
            throw DomainException.Invalid($"The '{command.Kind}' checkpoint of experiment {experiment.Id:N} is gone: '{checkpoint.Path}'.");
        return await Register(command.Model, checkpoint.Path, ExperimentSource);
    }

    /// <summary>The model grain checks and stores the checkpoint as the next version; the catalog then lists the model.</summary>
    private async Task<ModelVersionInfo> Register(string model, string checkpointPath, string source)
    {
        var version = await grains.GetGrain<IModelGrain>(model).RegisterVersion(checkpointPath, source, Actor);
        await grains.GetGrain<IModelCatalogGrain>(0).Add(model);
        return version;
    }

    public async ValueTask<SwitchResult> Handle(PromoteModelCommand command, CancellationToken ct) =>
        await (await Existing(command.Model, governed: true, ct)).Promote(command.From, command.To, command.Reason, Actor);

    public async ValueTask<SwitchResult> Handle(ArchiveModelVersionCommand command, CancellationToken ct) =>
        await (await Existing(command.Model, governed: true, ct)).Archive(command.Version, command.Reason, Actor);

    public async ValueTask<SwitchResult> Handle(SwitchModelVersionCommand command, CancellationToken ct) =>
        await (await Existing(command.Model, governed: true, ct)).Switch(command.Version, command.Reason, Actor);

    public async ValueTask<SwitchResult> Handle(RollbackModelCommand command, CancellationToken ct) =>
        await (await Existing(command.Model, governed: true, ct)).Rollback(command.Reason, Actor);

    public async ValueTask<SwitchResult> Handle(SetModelAliasCommand command, CancellationToken ct) =>
        await (await Existing(command.Model, governed: true, ct))
            .AssignAlias(command.Alias, command.Version, command.Reason, Actor, command.Move);

    private const string ExperimentSource = ModelVersionSources.Experiment;
    private const string UploadSource = ModelVersionSources.Upload;

    private string Actor => actors.Current.Name;

    private Task<string?> OwnerOf(string model, CancellationToken ct) => ModelOwnership.OwnerOfAsync(db, model, ct);

    /// <summary>What a model serves and what its aliases point at (any alias: a canary or shadow route reads them) are changed by admins or the model's owner.</summary>
    private Task EnsureGoverns(string model, CancellationToken ct) => ModelOwnership.EnsureGovernsAsync(db, actors.Current, model, "what it serves", ct);

    /// <summary>A new model belongs to whoever registers it first; later versions come from its owner or an admin.</summary>
    private async Task EnsureMayRegister(string model, CancellationToken ct)
    {
        if (await OwnerOf(model, ct) is not null) await EnsureGoverns(model, ct);
    }

    private async Task<IModelGrain> Existing(string model, bool governed, CancellationToken ct)
    {
        var names = await grains.GetGrain<IModelCatalogGrain>(0).List();
        if (!names.Contains(model)) throw DomainException.NotFound($"No model named '{model}' is registered.");
        if (governed) await EnsureGoverns(model, ct);
        return grains.GetGrain<IModelGrain>(model);
    }
}
