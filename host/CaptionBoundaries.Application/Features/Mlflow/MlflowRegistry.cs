using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Tracking.Search;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Mlflow;

// MLflow's model registry mapped onto the project's: a registered model is a served model, a model version is a
// registered checkpoint (checked, copied into the registry store), aliases are the registry's aliases. Every call goes
// through the registry's own use cases, so ownership, private models and alias rules are the same as on /api/models.

[RequiresRole(Roles.Researcher)]
public sealed record CreateMlflowRegisteredModelCommand(string Model, string? Description) : IModelRequest, ICommand<MlflowRegisteredModel>;

[RequiresRole(Roles.Viewer)]
public sealed record GetMlflowRegisteredModelQuery(string Model) : IModelRequest, IQuery<MlflowRegisteredModel>;

[RequiresRole(Roles.Viewer)]
public sealed record SearchMlflowRegisteredModelsQuery(string? Filter, int MaxResults, string? PageToken) : IQuery<MlflowPage<MlflowRegisteredModel>>;

/// <summary>
/// Registers a version from what MLflow names as its source: a run artifact (runs:/&lt;run&gt;/&lt;path&gt; or the proxy's
/// mlflow-artifacts:/ URI) holding a CaptionBoundaries checkpoint, or a native run (run_id) whose best checkpoint is used.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record CreateMlflowModelVersionCommand(string Model, string? Source, string? RunId, long MaxBytes) : IModelRequest, ICommand<MlflowModelVersion>;

[RequiresRole(Roles.Viewer)]
public sealed record GetMlflowModelVersionQuery(string Model, string? Version, string? Alias) : IModelRequest, IQuery<MlflowModelVersion>;

[RequiresRole(Roles.Researcher)]
public sealed record SetMlflowModelAliasCommand(string Model, string? Alias, string? Version) : IModelRequest, ICommand<Unit>;

public sealed class CreateMlflowRegisteredModelValidator : AbstractValidator<CreateMlflowRegisteredModelCommand>
{
    public CreateMlflowRegisteredModelValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("name");
        RuleFor(c => c.Description).MaximumLength(5000).OverridePropertyName("description");
    }
}

public sealed class GetMlflowRegisteredModelValidator : AbstractValidator<GetMlflowRegisteredModelQuery>
{
    public GetMlflowRegisteredModelValidator() => RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("name");
}

public sealed class SearchMlflowRegisteredModelsValidator : AbstractValidator<SearchMlflowRegisteredModelsQuery>
{
    public SearchMlflowRegisteredModelsValidator() => RuleFor(q => q.MaxResults).InclusiveBetween(1, 1000).OverridePropertyName("max_results");
}

public sealed class CreateMlflowModelVersionValidator : AbstractValidator<CreateMlflowModelVersionCommand>
{
    public CreateMlflowModelVersionValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("name");
        RuleFor(c => c.Source).MaximumLength(2000).OverridePropertyName("source");
    }
}

public sealed class GetMlflowModelVersionValidator : AbstractValidator<GetMlflowModelVersionQuery>
{
    public GetMlflowModelVersionValidator() => RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("name");
}

public sealed class SetMlflowModelAliasValidator : AbstractValidator<SetMlflowModelAliasCommand>
{
    public SetMlflowModelAliasValidator()
    {
        RuleFor(c => c.Model).MustBeModelName().OverridePropertyName("name");
        RuleFor(c => c.Alias).Given("alias");
        RuleFor(c => c.Version).Given("version");
    }
}

public sealed class MlflowRegistryHandlers(IMediator mediator, TrackingDbContext db, ActorContext actors, PrivateModels privateModels,
    MlflowRunReader reader, RunArtifactStore artifacts) :
    ICommandHandler<CreateMlflowRegisteredModelCommand, MlflowRegisteredModel>,
    IQueryHandler<GetMlflowRegisteredModelQuery, MlflowRegisteredModel>,
    IQueryHandler<SearchMlflowRegisteredModelsQuery, MlflowPage<MlflowRegisteredModel>>,
    ICommandHandler<CreateMlflowModelVersionCommand, MlflowModelVersion>,
    IQueryHandler<GetMlflowModelVersionQuery, MlflowModelVersion>,
    ICommandHandler<SetMlflowModelAliasCommand, Unit>
{
    public async ValueTask<MlflowRegisteredModel> Handle(CreateMlflowRegisteredModelCommand command, CancellationToken ct)
    {
        // A model with no version yet exists here as its ownership row: MLflow lets a model be created empty.
        if (await db.ModelAccess.AnyAsync(a => a.ModelName == command.Model, ct) || await db.ModelVersions.AnyAsync(v => v.ModelName == command.Model, ct))
            throw DomainException.Conflict($"Registered Model (name={command.Model}) already exists.");
        var now = DateTime.UtcNow;
        db.ModelAccess.Add(new ModelAccess { ModelName = command.Model, Owner = actors.Current.Name, ChangedAtUtc = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw DomainException.Conflict($"Registered Model (name={command.Model}) already exists.");
        }
        privateModels.Forget();
        return new MlflowRegisteredModel(command.Model, UnixMs.Of(now), UnixMs.Of(now), command.Description ?? "", [], [], []);
    }

    public async ValueTask<MlflowRegisteredModel> Handle(GetMlflowRegisteredModelQuery query, CancellationToken ct) =>
        await ModelAsync(query.Model, ct) ?? throw DomainException.NotFound($"Registered Model with name={query.Model} not found");

    public async ValueTask<MlflowPage<MlflowRegisteredModel>> Handle(SearchMlflowRegisteredModelsQuery query, CancellationToken ct)
    {
        var clauses = ParseModelFilter(query.Filter);
        var hidden = await privateModels.HiddenFromAsync(db, actors.Current, ct);
        var patterns = clauses.Where(c => c.Comparator is "LIKE" or "ILIKE")
            .ToDictionary(c => c, c => RunSearch.Like(c.Text!, ignoreCase: c.Comparator == "ILIKE"));
        var names = (await db.ModelAccess.Select(a => a.ModelName).ToListAsync(ct))
            .Concat(await db.ModelVersions.Select(v => v.ModelName).Distinct().ToListAsync(ct))
            .Distinct().Where(n => !hidden.Contains(n))
            .Where(n => clauses.All(c => c.Comparator switch
            {
                "=" => n == c.Text,
                "!=" => n != c.Text,
                _ => patterns[c].IsMatch(n),
            }))
            .OrderBy(n => n, StringComparer.Ordinal).ToList();
        var page = MlflowPaging.Page(names, query.PageToken, query.MaxResults);
        var models = new List<MlflowRegisteredModel>();
        foreach (var name in page.Items)
            if (await ModelAsync(name, ct) is { } model) models.Add(model);
        return new MlflowPage<MlflowRegisteredModel>(models, page.NextPageToken);
    }

    public async ValueTask<MlflowModelVersion> Handle(CreateMlflowModelVersionCommand command, CancellationToken ct)
    {
        ModelVersionInfo version;
        if (ArtifactReference(command.Source) is { } reference)
        {
            var run = await reader.FindAsync(reference.RunId, ct);
            var (artifact, content) = await artifacts.OpenAsync(run.Id, reference.Path, ct);
            await using (content)
                version = await mediator.Send(new UploadModelVersionCommand(command.Model, ArtifactPath.FileName(artifact.Path), content, command.MaxBytes), ct);
        }
        else if (command.RunId is { } runId && (await reader.FindAsync(runId, ct)).Source == Experiment.NativeSource)
            version = await mediator.Send(new RegisterFromExperimentCommand(command.Model, runId, "best"), ct);
        else
            throw DomainException.Invalid(
                "source must name a CaptionBoundaries checkpoint: a run artifact (runs:/<run_id>/<path> or mlflow-artifacts:/<experiment>/<run_id>/artifacts/<path>), " +
                "or give the run_id of a run trained here (its best checkpoint is registered).", "source");
        var info = await mediator.Send(new GetServedModelQuery(command.Model), ct);
        return Shape(command.Model, info, version, command.Source);
    }

    public async ValueTask<MlflowModelVersion> Handle(GetMlflowModelVersionQuery query, CancellationToken ct)
    {
        var info = await Info(query.Model, ct) ?? throw DomainException.NotFound($"Registered Model with name={query.Model} not found");
        int number;
        if (query.Alias is not null)
        {
            if (!info.Aliases.TryGetValue(query.Alias, out number))
                throw DomainException.NotFound($"Registered model alias {query.Alias} not found.");
        }
        else if (!int.TryParse(query.Version, out number)) throw DomainException.Invalid($"Version '{query.Version}' is not a number.", "version");
        var version = info.Versions.FirstOrDefault(v => v.Version == number)
            ?? throw DomainException.NotFound($"Model Version (name={query.Model}, version={query.Version}) not found");
        return Shape(query.Model, info, version, null);
    }

    public async ValueTask<Unit> Handle(SetMlflowModelAliasCommand command, CancellationToken ct)
    {
        if (!int.TryParse(command.Version, out var version)) throw DomainException.Invalid($"Version '{command.Version}' is not a number.", "version");
        // MLflow moves an alias that points elsewhere; so does this call.
        var result = await mediator.Send(new SetModelAliasCommand(command.Model, command.Alias!, version, "set through the MLflow API", Move: true), ct);
        if (result.Refused) throw DomainException.Conflict(result.Reason ?? $"Alias '{command.Alias}' could not be set.");
        return Unit.Value;
    }

    private async Task<ModelInfo?> Info(string model, CancellationToken ct)
    {
        try
        {
            return await mediator.Send(new GetServedModelQuery(model), ct);
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.NotFound)
        {
            return null;
        }
    }

    private async Task<MlflowRegisteredModel?> ModelAsync(string model, CancellationToken ct)
    {
        var info = await Info(model, ct);
        var access = await db.ModelAccess.AsNoTracking().FirstOrDefaultAsync(a => a.ModelName == model, ct);
        if (info is null && access is null) return null;
        var versions = info?.Versions ?? [];
        var created = versions.Count > 0 ? versions.Min(v => v.RegisteredAtUtc) : access!.ChangedAtUtc;
        var updated = versions.Count > 0 ? versions.Max(v => v.RegisteredAtUtc) : created;
        var latest = versions.OrderByDescending(v => v.Version).Take(1).Select(v => Shape(model, info!, v, null)).ToList();
        var aliases = (info?.Aliases ?? new Dictionary<string, int>()).OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => new MlflowAlias(a.Key, a.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        return new MlflowRegisteredModel(model, UnixMs.Of(created), UnixMs.Of(updated), "", latest, aliases, []);
    }

    private static MlflowModelVersion Shape(string model, ModelInfo info, ModelVersionInfo version, string? source)
    {
        var aliases = info.Aliases.Where(a => a.Value == version.Version).Select(a => a.Key).OrderBy(a => a, StringComparer.Ordinal).ToList();
        var stage = info.ArchivedVersions?.Contains(version.Version) == true ? "Archived"
            : aliases.Contains("production") ? "Production"
            : aliases.Contains("staging") ? "Staging" : "None";
        var at = UnixMs.Of(version.RegisteredAtUtc);
        return new MlflowModelVersion(model, version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), at, at, stage, "",
            source ?? (version.ExperimentId is { } run ? $"runs:/{run:N}/checkpoint" : $"sha256:{version.Sha256}"),
            version.ExperimentId?.ToString("N") ?? "", "READY", "", aliases);
    }

    /// <summary>The run and artifact path a version source names, or null when it names no run artifact.</summary>
    private static (string RunId, string Path)? ArtifactReference(string? source)
    {
        if (string.IsNullOrEmpty(source)) return null;
        if (source.StartsWith("runs:/", StringComparison.Ordinal))
        {
            var rest = source["runs:/".Length..].Split('/', 2);
            return rest.Length == 2 ? (rest[0], rest[1]) : null;
        }
        if (source.StartsWith("mlflow-artifacts:/", StringComparison.Ordinal))
        {
            var segments = source["mlflow-artifacts:/".Length..].Split('/', 4, StringSplitOptions.RemoveEmptyEntries);
            return segments.Length == 4 && segments[2] == "artifacts" ? (segments[1], segments[3]) : null;
        }
        return null;
    }

    /// <summary>Registered-model filters name the model only: name = '…', name != '…', name LIKE / ILIKE '…'.</summary>
    private static IReadOnlyList<SearchClause> ParseModelFilter(string? filter)
    {
        var clauses = SearchFilterParser.ParseExperimentFilter(filter);
        if (clauses.Any(c => c.Entity != SearchEntity.Attribute || c.Key != "name"))
            throw DomainException.Invalid("Registered models can be searched by name only (name = '…', name LIKE '…').", "filter");
        return clauses;
    }
}
