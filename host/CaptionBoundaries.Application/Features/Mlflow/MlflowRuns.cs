using CaptionBoundaries.Application.Features.Experiments;
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

// MLflow runs are the project's runs (Experiment rows). Runs created here are "external" (Source = mlflow): the client
// logs their metrics, params, tags and artifacts; native runs are trained here and read the same way.

/// <summary>Creates an external run owned by the caller (the client's user_id is not trusted: the token says who it is).</summary>
[RequiresRole(Roles.Researcher)]
public sealed record CreateMlflowRunCommand(string? ExperimentId, string? RunName, long? StartTime, IReadOnlyList<MlflowKeyValue> Tags) : ICommand<MlflowRun>;

[RequiresRole(Roles.Viewer)]
public sealed record GetMlflowRunQuery(string? RunId) : IQuery<MlflowRun>;

/// <summary>Status, end time or name of an external run (MLflow's runs/update).</summary>
[RequiresRole(Roles.Researcher)]
public sealed record UpdateMlflowRunCommand(string? RunId, string? Status, long? EndTime, string? RunName) : ICommand<MlflowRunInfo>;

/// <summary>Soft-deletes (or restores) a run: hidden from lists and searches, kept with everything it logged.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record DeleteMlflowRunCommand(string? RunId, bool Restore) : ICommand<Unit>;

[RequiresRole(Roles.Viewer)]
public sealed record SearchMlflowRunsQuery(
    IReadOnlyList<string> ExperimentIds, string? Filter, string? RunViewType, int MaxResults, IReadOnlyList<string> OrderBy, string? PageToken)
    : IQuery<MlflowPage<MlflowRun>>;

public sealed class CreateMlflowRunValidator : AbstractValidator<CreateMlflowRunCommand>
{
    public CreateMlflowRunValidator()
    {
        RuleFor(c => c.RunName).MaximumLength(200).Must(n => n is null || !n.Any(char.IsControl))
            .WithMessage("The run name may not hold control characters.").OverridePropertyName("run_name");
        RuleFor(c => c.Tags).Must(t => t.Count <= RunLogBatch.MaxTags).WithMessage($"At most {RunLogBatch.MaxTags} tags.").OverridePropertyName("tags");
        RuleForEach(c => c.Tags).Must(t => t is { Key: not null, Value: not null }).WithMessage("Every tag needs a key and a value.").OverridePropertyName("tags");
        RuleFor(c => c.StartTime).GreaterThanOrEqualTo(0).OverridePropertyName("start_time");
    }
}

public sealed class GetMlflowRunValidator : AbstractValidator<GetMlflowRunQuery>
{
    public GetMlflowRunValidator() => RuleFor(q => q.RunId).Given("run_id");
}

public sealed class UpdateMlflowRunValidator : AbstractValidator<UpdateMlflowRunCommand>
{
    public UpdateMlflowRunValidator()
    {
        RuleFor(c => c.RunId).Given("run_id");
        RuleFor(c => c.Status).Must(s => s is null || MlflowRunStatus.Parse(s) is not null)
            .WithMessage(c => $"Status '{c.Status}' is not one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED.").OverridePropertyName("status");
        RuleFor(c => c.RunName).MaximumLength(200).OverridePropertyName("run_name");
        RuleFor(c => c.EndTime).GreaterThanOrEqualTo(0).OverridePropertyName("end_time");
    }
}

public sealed class DeleteMlflowRunValidator : AbstractValidator<DeleteMlflowRunCommand>
{
    public DeleteMlflowRunValidator() => RuleFor(c => c.RunId).Given("run_id");
}

public sealed class SearchMlflowRunsValidator : AbstractValidator<SearchMlflowRunsQuery>
{
    public SearchMlflowRunsValidator()
    {
        RuleFor(q => q.MaxResults).InclusiveBetween(1, 50_000).OverridePropertyName("max_results");
        RuleFor(q => q.ExperimentIds).Must(ids => ids.Count <= 1000).WithMessage("At most 1000 experiment ids.").OverridePropertyName("experiment_ids");
        RuleFor(q => q.OrderBy).Must(o => o.Count <= 20).WithMessage("At most 20 order_by terms.").OverridePropertyName("order_by");
    }
}

public sealed class MlflowRunHandlers(TrackingDbContext db, ActorContext actors, MlflowRunReader reader, RunLogWriter writer) :
    ICommandHandler<CreateMlflowRunCommand, MlflowRun>,
    IQueryHandler<GetMlflowRunQuery, MlflowRun>,
    ICommandHandler<UpdateMlflowRunCommand, MlflowRunInfo>,
    ICommandHandler<DeleteMlflowRunCommand, Unit>,
    IQueryHandler<SearchMlflowRunsQuery, MlflowPage<MlflowRun>>
{
    public async ValueTask<MlflowRun> Handle(CreateMlflowRunCommand command, CancellationToken ct)
    {
        var groupId = MlflowExperimentHandlers.ParseId(command.ExperimentId ?? "0");
        if (groupId != RunGroup.DefaultId)
        {
            var group = await db.RunGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == groupId, ct)
                ?? throw DomainException.NotFound($"No Experiment with id={command.ExperimentId} exists");
            if (group.LifecycleStage != RunGroup.Active)
                throw DomainException.Invalid($"Experiment '{group.Name}' is deleted; restore it before creating runs in it.", "experiment_id");
        }
        var tags = command.Tags.ToList();
        var name = command.RunName ?? tags.LastOrDefault(t => t.Key == "mlflow.runName")?.Value;
        var id = Guid.NewGuid();
        var started = command.StartTime is { } ms ? UnixMs.ToUtc(ms) : DateTime.UtcNow;
        var run = new Experiment
        {
            Id = id,
            Name = string.IsNullOrWhiteSpace(name) ? $"run-{id.ToString("N")[..8]}" : name[..Math.Min(name.Length, 200)],
            ArchitectureName = ExternalArchitecture,
            ModelConfigJson = "{}",
            HyperparametersJson = "{}",
            AugmentationName = "",
            EmbedderName = "",
            EmbedderVersion = "",
            DatasetIdentity = "",
            DatasetName = "",
            DatasetPath = "",
            GitCommit = (tags.LastOrDefault(t => t.Key == "mlflow.source.git.commit")?.Value ?? "") is { Length: <= 64 } commit ? commit : "",
            Device = "",
            Status = ExperimentStatus.Running,
            CreatedAtUtc = started,
            StartedAtUtc = started,
            Owner = actors.Current.Name,
            Source = Experiment.MlflowSource,
            RunGroupId = groupId == RunGroup.DefaultId ? null : groupId,
        };
        // Checked before the row is added, so a bad tag leaves no half-created run.
        var batch = new RunLogBatch([], [], tags.Where(t => t.Key is not ("mlflow.runName" or "mlflow.user")).Select(t => new LoggedValue(t.Key, t.Value)).ToList());
        batch.Validate();
        db.Experiments.Add(run);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        if (batch.Tags.Count > 0) await writer.WriteAsync(id, batch, ct);
        return (await reader.ReadAsync([run], ct))[0];
    }

    /// <summary>The architecture column of an external run: it was trained elsewhere, with whatever the client used.</summary>
    public const string ExternalArchitecture = "external";

    /// <summary>Runs a filtered search may read into memory at once.</summary>
    public const int MaxFilteredRuns = 20_000;

    public async ValueTask<MlflowRun> Handle(GetMlflowRunQuery query, CancellationToken ct) =>
        (await reader.ReadAsync([await reader.FindAsync(query.RunId, ct)], ct))[0];

    public async ValueTask<MlflowRunInfo> Handle(UpdateMlflowRunCommand command, CancellationToken ct)
    {
        var run = await FindChangeable(command.RunId, "update", ct);
        // MLflow's client re-sends the current status and end time when it only renames a run: those are no change.
        var changesStatus = MlflowRunStatus.Parse(command.Status) is { } asked && asked != run.Status;
        var changesEnd = command.EndTime is { } askedEnd && (run.FinishedAtUtc is not { } finished || UnixMs.Of(finished) != askedEnd);
        if (run.Source != Experiment.MlflowSource && (changesStatus || changesEnd))
            throw DomainException.Conflict($"Run {run.Id:N} is trained here: its status is the scheduler's to set, not a client's.");
        if (run.Source == Experiment.MlflowSource) ApplyStatus(run, command);
        if (!string.IsNullOrWhiteSpace(command.RunName)) run.Name = command.RunName;
        await db.SaveChangesAsync(ct);
        return MlflowRunReader.InfoOf(run);
    }

    private static void ApplyStatus(Experiment run, UpdateMlflowRunCommand command)
    {
        if (MlflowRunStatus.Parse(command.Status) is { } status)
        {
            run.Status = status;
            if (status is ExperimentStatus.Completed or ExperimentStatus.Failed or ExperimentStatus.Cancelled)
                run.FinishedAtUtc = command.EndTime is { } end ? UnixMs.ToUtc(end) : DateTime.UtcNow;
            else run.FinishedAtUtc = null;
        }
        else if (command.EndTime is { } end) run.FinishedAtUtc = UnixMs.ToUtc(end);
    }

    public async ValueTask<Unit> Handle(DeleteMlflowRunCommand command, CancellationToken ct)
    {
        var run = await FindChangeable(command.RunId, command.Restore ? "restore" : "delete", ct);
        run.DeletedAtUtc = command.Restore ? null : DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        return Unit.Value;
    }

    public async ValueTask<MlflowPage<MlflowRun>> Handle(SearchMlflowRunsQuery query, CancellationToken ct)
    {
        var clauses = SearchFilterParser.ParseRunFilter(query.Filter);
        var orders = SearchFilterParser.ParseRunOrder(query.OrderBy);
        var view = ViewType.Parse(query.RunViewType);
        var groupIds = query.ExperimentIds.Select(MlflowExperimentHandlers.ParseId).Distinct().ToList();
        var includeDefault = groupIds.Contains(RunGroup.DefaultId);
        var candidates = db.Experiments.AsNoTracking().VisibleTo(actors.Current)
            .Where(e => (e.RunGroupId == null && includeDefault) || (e.RunGroupId != null && groupIds.Contains(e.RunGroupId.Value)));
        if (!view.Deleted) candidates = candidates.Where(e => e.DeletedAtUtc == null);
        if (!view.Active) candidates = candidates.Where(e => e.DeletedAtUtc != null);
        if (clauses.Count == 0 && orders.Count == 0)
        {
            // The common call (a page of an experiment's runs, newest first): paged in the database, details for the page only.
            var offset = MlflowPaging.Offset(query.PageToken);
            var page = await candidates.OrderByDescending(e => e.StartedAtUtc ?? e.CreatedAtUtc).ThenBy(e => e.Id)
                .Skip(offset).Take(query.MaxResults + 1).ToListAsync(ct);
            var shaped = await reader.ReadAsync(page.Take(query.MaxResults).ToList(), ct);
            return new MlflowPage<MlflowRun>(shaped, page.Count > query.MaxResults ? MlflowPaging.Token(offset + query.MaxResults) : null);
        }
        // A filter or an order on metrics, params or tags is evaluated here, over at most MaxFilteredRuns candidates.
        if (await candidates.CountAsync(ct) > MaxFilteredRuns)
            throw DomainException.Invalid(
                $"A filtered or ordered search covers at most {MaxFilteredRuns} runs; name fewer experiment_ids or search without a filter.", "experiment_ids");
        var runs = await reader.ReadAsync(await candidates.ToListAsync(ct), ct);
        var byId = runs.ToDictionary(r => r.Info.RunId);
        var matching = RunSearch.Order(RunSearch.Filter(runs.Select(MlflowRunReader.Searchable), clauses), orders)
            .Select(r => byId[r.RunId]).ToList();
        return MlflowPaging.Page(matching, query.PageToken, query.MaxResults);
    }

    private async Task<Experiment> FindChangeable(string? runId, string action, CancellationToken ct)
    {
        var run = await reader.FindAsync(runId, ct, tracked: true);
        await ExperimentAccess.EnsureMayChange(db, actors.Current, run.Id, action, ct);
        return run;
    }
}
