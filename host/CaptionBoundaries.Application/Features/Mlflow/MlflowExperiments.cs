using System.Globalization;
using System.Text.Json;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Tracking.Search;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Mlflow;

// MLflow experiments are the project's run groups (RunGroup). Group 0, "Default", holds every run filed nowhere else.

[RequiresRole(Roles.Researcher)]
public sealed record CreateMlflowExperimentCommand(string Name, string? ArtifactLocation, IReadOnlyList<MlflowKeyValue> Tags) : ICommand<string>;

[RequiresRole(Roles.Viewer)]
public sealed record GetMlflowExperimentQuery(string? ExperimentId, string? Name) : IQuery<MlflowExperiment>;

[RequiresRole(Roles.Viewer)]
public sealed record SearchMlflowExperimentsQuery(int MaxResults, string? PageToken, string? Filter, string? ViewType) : IQuery<MlflowPage<MlflowExperiment>>;

/// <summary>Renames, deletes, restores or tags an experiment (MLflow's update, delete, restore, set-experiment-tag).</summary>
[RequiresRole(Roles.Researcher)]
public sealed record ChangeMlflowExperimentCommand(string? ExperimentId, string? NewName, bool? Delete, MlflowKeyValue? Tag) : ICommand<Unit>;

public sealed record MlflowPage<T>(IReadOnlyList<T> Items, string? NextPageToken);

public sealed class CreateMlflowExperimentValidator : AbstractValidator<CreateMlflowExperimentCommand>
{
    public CreateMlflowExperimentValidator()
    {
        RuleFor(c => c.Name).Given("name").MaximumLength(500).Must(n => !n.Any(char.IsControl)).WithMessage("The name may not hold control characters.").OverridePropertyName("name");
        RuleFor(c => c.ArtifactLocation).MaximumLength(1000).OverridePropertyName("artifact_location");
        RuleFor(c => c.Tags).Must(t => t.Count <= 100).WithMessage("At most 100 tags.").OverridePropertyName("tags");
        RuleForEach(c => c.Tags).Must(t => t is { Key.Length: > 0 and <= 250, Value.Length: <= 5000 })
            .WithMessage("Tag keys are 1-250 characters and values at most 5000.").OverridePropertyName("tags");
    }
}

public sealed class SearchMlflowExperimentsValidator : AbstractValidator<SearchMlflowExperimentsQuery>
{
    public SearchMlflowExperimentsValidator() => RuleFor(q => q.MaxResults).InclusiveBetween(1, 50_000).OverridePropertyName("max_results");
}

public sealed class GetMlflowExperimentValidator : AbstractValidator<GetMlflowExperimentQuery>
{
    public GetMlflowExperimentValidator() =>
        RuleFor(q => q.ExperimentId).Given("experiment_id").When(q => q.Name is null);
}

public sealed class ChangeMlflowExperimentValidator : AbstractValidator<ChangeMlflowExperimentCommand>
{
    public ChangeMlflowExperimentValidator()
    {
        RuleFor(c => c.ExperimentId).Given("experiment_id");
        RuleFor(c => c.NewName).Given("new_name").MaximumLength(500).When(c => c.NewName is not null);
        RuleFor(c => c.Tag!.Key).Given("key").MaximumLength(250).When(c => c.Tag is not null);
        RuleFor(c => c.Tag!.Value).MaximumLength(5000).When(c => c.Tag is not null).OverridePropertyName("value");
    }
}

public sealed class MlflowExperimentHandlers(TrackingDbContext db, ActorContext actors) :
    ICommandHandler<CreateMlflowExperimentCommand, string>,
    IQueryHandler<GetMlflowExperimentQuery, MlflowExperiment>,
    IQueryHandler<SearchMlflowExperimentsQuery, MlflowPage<MlflowExperiment>>,
    ICommandHandler<ChangeMlflowExperimentCommand, Unit>
{
    public async ValueTask<string> Handle(CreateMlflowExperimentCommand command, CancellationToken ct)
    {
        if (command.Name == RunGroup.DefaultName || await db.RunGroups.AnyAsync(g => g.Name == command.Name, ct))
            throw DomainException.Conflict($"Experiment '{command.Name}' already exists.");
        var now = DateTime.UtcNow;
        var group = new RunGroup
        {
            Name = command.Name,
            ArtifactLocation = "",
            Owner = actors.Current.Name,
            TagsJson = JsonSerializer.Serialize(command.Tags.GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Last().Value)),
            CreatedAtUtc = now,
            LastUpdatedAtUtc = now,
        };
        db.RunGroups.Add(group);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw DomainException.Conflict($"Experiment '{command.Name}' already exists.");
        }
        return group.Id.ToString(CultureInfo.InvariantCulture);
    }

    public async ValueTask<MlflowExperiment> Handle(GetMlflowExperimentQuery query, CancellationToken ct)
    {
        if (query.Name is not null)
        {
            if (query.Name == RunGroup.DefaultName) return Default();
            var named = await db.RunGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Name == query.Name, ct)
                ?? throw DomainException.NotFound($"Could not find experiment with name '{query.Name}'");
            return Shape(named);
        }
        var id = ParseId(query.ExperimentId);
        if (id == RunGroup.DefaultId) return Default();
        return Shape(await FindAsync(id, ct));
    }

    public async ValueTask<MlflowPage<MlflowExperiment>> Handle(SearchMlflowExperimentsQuery query, CancellationToken ct)
    {
        var clauses = SearchFilterParser.ParseExperimentFilter(query.Filter);
        var view = ViewType.Parse(query.ViewType);
        var groups = (await db.RunGroups.AsNoTracking().ToListAsync(ct)).Select(Shape).Prepend(Default())
            .Where(e => view.Includes(e.LifecycleStage))
            .ToList();
        // Creation order (newest first) is stable while experiments are tagged or renamed between pages.
        var matching = Matching(groups, clauses)
            .OrderByDescending(e => e.CreationTime).ThenBy(e => long.Parse(e.ExperimentId, CultureInfo.InvariantCulture))
            .ToList();
        return MlflowPaging.Page(matching, query.PageToken, query.MaxResults);
    }

    public async ValueTask<Unit> Handle(ChangeMlflowExperimentCommand command, CancellationToken ct)
    {
        var id = ParseId(command.ExperimentId);
        if (id == RunGroup.DefaultId) throw DomainException.Invalid("The Default experiment cannot be renamed, deleted or tagged.", "experiment_id");
        var group = await db.RunGroups.FirstOrDefaultAsync(g => g.Id == id, ct)
            ?? throw DomainException.NotFound($"No Experiment with id={command.ExperimentId} exists");
        var actor = actors.Current;
        if (!actor.IsAdmin && group.Owner != actor.Name)
            throw new ForbiddenException($"{actor.Name} may not change experiment '{group.Name}': it belongs to {group.Owner}.");
        if (command.NewName is { } name)
        {
            if (name == RunGroup.DefaultName || await db.RunGroups.AnyAsync(g => g.Name == name && g.Id != id, ct))
                throw DomainException.Conflict($"Experiment '{name}' already exists.");
            group.Name = name;
        }
        var tags = JsonSerializer.Deserialize<Dictionary<string, string>>(group.TagsJson) ?? [];
        if (command.Tag is { } added && !tags.ContainsKey(added.Key) && tags.Count >= MaxTags)
            throw DomainException.Invalid($"An experiment holds at most {MaxTags} tags.", "key");
        if (command.Delete is { } delete) group.LifecycleStage = delete ? RunGroup.Deleted : RunGroup.Active;
        if (command.Tag is { } tag)
        {
            tags[tag.Key] = tag.Value;
            group.TagsJson = JsonSerializer.Serialize(tags);
        }
        group.LastUpdatedAtUtc = DateTime.UtcNow;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw DomainException.Conflict($"Experiment '{command.NewName}' already exists.");
        }
        return Unit.Value;
    }

    public const int MaxTags = 100;

    /// <summary>An experiment id as MLflow sends it (a decimal string); refused when it is not one.</summary>
    public static long ParseId(string? experimentId) =>
        long.TryParse(experimentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw DomainException.Invalid($"Experiment id '{experimentId}' is not a number.", "experiment_id");

    private async Task<RunGroup> FindAsync(long id, CancellationToken ct) =>
        await db.RunGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, ct)
        ?? throw DomainException.NotFound($"No Experiment with id={id} exists");

    private static MlflowExperiment Default() => new("0", RunGroup.DefaultName, "mlflow-artifacts:/0", RunGroup.Active, 0, 0, []);

    private static MlflowExperiment Shape(RunGroup g)
    {
        var tags = JsonSerializer.Deserialize<Dictionary<string, string>>(g.TagsJson) ?? [];
        var id = g.Id.ToString(CultureInfo.InvariantCulture);
        return new MlflowExperiment(id, g.Name, string.IsNullOrEmpty(g.ArtifactLocation) ? $"mlflow-artifacts:/{id}" : g.ArtifactLocation,
            g.LifecycleStage, UnixMs.Of(g.LastUpdatedAtUtc), UnixMs.Of(g.CreatedAtUtc),
            tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new MlflowKeyValue(t.Key, t.Value)).ToList());
    }

    /// <summary>Experiments through the run matcher (name as run_name, creation/last-update times as start/end), LIKE compiled once.</summary>
    private static IEnumerable<MlflowExperiment> Matching(IReadOnlyList<MlflowExperiment> experiments, IReadOnlyList<SearchClause> clauses)
    {
        var mapped = clauses.Select(c => c.Entity == SearchEntity.Attribute
            ? c with { Key = c.Key switch { "name" => "run_name", "creation_time" => "start_time", _ => "end_time" } }
            : c).ToList();
        var byId = experiments.ToDictionary(e => e.ExperimentId);
        var runs = experiments.Select(e => new SearchableRun(e.ExperimentId, e.Name, "", "", "", e.CreationTime, e.LastUpdateTime,
            new Dictionary<string, double>(), new Dictionary<string, string>(), e.Tags.ToDictionary(t => t.Key, t => t.Value)));
        return RunSearch.Filter(runs, mapped).Select(r => byId[r.RunId]);
    }
}

/// <summary>MLflow's run_view_type / view_type: ACTIVE_ONLY (the default), DELETED_ONLY or ALL.</summary>
public sealed record ViewType(bool Active, bool Deleted)
{
    public static ViewType Parse(string? value) => value?.ToUpperInvariant() switch
    {
        null or "" or "ACTIVE_ONLY" or "1" => new(true, false),
        "DELETED_ONLY" or "2" => new(false, true),
        "ALL" or "3" => new(true, true),
        _ => throw DomainException.Invalid($"View type '{value}' is not one of ACTIVE_ONLY, DELETED_ONLY, ALL.", "view_type"),
    };

    public bool Includes(string lifecycleStage) => lifecycleStage == RunGroup.Deleted ? Deleted : Active;
}

/// <summary>Offset page tokens: opaque to clients, checked when they come back.</summary>
public static class MlflowPaging
{
    public static MlflowPage<T> Page<T>(IReadOnlyList<T> all, string? pageToken, int maxResults)
    {
        var offset = Offset(pageToken);
        var items = all.Skip(offset).Take(maxResults).ToList();
        var next = offset + items.Count < all.Count ? Token(offset + items.Count) : null;
        return new MlflowPage<T>(items, next);
    }

    public static int Offset(string? pageToken)
    {
        if (string.IsNullOrEmpty(pageToken)) return 0;
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(pageToken));
            if (text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text[7..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                return offset;
        }
        catch (FormatException)
        {
        }
        throw DomainException.Invalid("The page token is not one this server gave out.", "page_token");
    }

    public static string Token(int offset) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"offset:{offset}"));
}
