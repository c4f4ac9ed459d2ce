using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>Experiments filtered by architecture, status or dataset, sorted by best validation F1 or recency.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ListExperimentsQuery(
    string? Architecture = null,
    string? Status = null,
    string? Dataset = null,
    string SortBy = "best_f1",
    int Limit = 50,
    bool IncludeStages = false) : IQuery<IReadOnlyList<ExperimentSummary>>
{
    /// <summary>Each "key" (the run has the tag) or "key=value" (with that value); a run must match all of them.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Only runs whose name contains this, in any case.</summary>
    public string? NameContains { get; init; }
}

public sealed record ExperimentSummary(
    Guid Id, string Name, string ArchitectureName, string Status, string DatasetName, string DatasetIdentity,
    double? BestValMacroF1, int? BestEpoch, int EpochsRecorded, DateTime CreatedAtUtc, string? FailureReason)
{
    public string Owner { get; init; } = "";

    /// <summary>"native" (trained here) or "mlflow" (logged through the MLflow API: no epochs, only metric series).</summary>
    public string Source { get; init; } = Experiment.NativeSource;

    public DateTime? StartedAtUtc { get; init; }
    public DateTime? FinishedAtUtc { get; init; }

    /// <summary>From start to finish, or to now while it runs; null before it starts.</summary>
    public double? DurationSeconds { get; init; }

    public IReadOnlyList<RunTagView> Tags { get; init; } = [];
}

public sealed class ListExperimentsValidator : AbstractValidator<ListExperimentsQuery>
{
    public static readonly string[] SortKeys = ["best_f1", "created"];

    public ListExperimentsValidator()
    {
        RuleFor(q => q.SortBy).Must(SortKeys.Contains)
            .WithMessage(q => $"Sort key '{q.SortBy}' is not one of: {string.Join(", ", SortKeys)}.").OverridePropertyName("sort");
        RuleFor(q => q.Status).Must(s => Enum.TryParse<ExperimentStatus>(s, ignoreCase: true, out _))
            .When(q => q.Status is not null)
            .WithMessage(q => $"Status '{q.Status}' is not one of: {string.Join(", ", Enum.GetNames<ExperimentStatus>())}.")
            .OverridePropertyName("status");
        RuleFor(q => q.Limit).InclusiveBetween(1, 10_000).OverridePropertyName("limit");
        RuleFor(q => q.Tags).Must(t => t.Count <= 20).WithMessage("Filter by at most 20 tags.").OverridePropertyName("tag");
        RuleForEach(q => q.Tags).Must(t => !string.IsNullOrWhiteSpace(TagFilter.Parse(t).Key))
            .WithMessage("A tag filter is 'key' or 'key=value'; the key is missing.").OverridePropertyName("tag");
        RuleForEach(q => q.Tags).Must(t => TagFilter.Parse(t).Key.Length <= TrackingDbContext.MaxKeyLength)
            .WithMessage($"A tag key is at most {TrackingDbContext.MaxKeyLength} characters.").OverridePropertyName("tag");
        RuleForEach(q => q.Tags).Must(t => (TagFilter.Parse(t).Value?.Length ?? 0) <= TrackingDbContext.MaxTagValueLength)
            .WithMessage($"A tag value is at most {TrackingDbContext.MaxTagValueLength} characters.").OverridePropertyName("tag");
        RuleFor(q => q.NameContains).MaximumLength(200).OverridePropertyName("name");
    }
}

/// <summary>"key" or "key=value" (the first '=' separates them; a value may hold more).</summary>
public sealed record TagFilter(string Key, string? Value)
{
    public static TagFilter Parse(string? text)
    {
        text ??= "";
        var equals = text.IndexOf('=');
        return equals < 0 ? new TagFilter(text.Trim(), null) : new TagFilter(text[..equals].Trim(), text[(equals + 1)..]);
    }
}

public sealed class ListExperimentsHandler(TrackingDbContext db, Domain.Security.ActorContext actors) : IQueryHandler<ListExperimentsQuery, IReadOnlyList<ExperimentSummary>>
{
    public async ValueTask<IReadOnlyList<ExperimentSummary>> Handle(ListExperimentsQuery query, CancellationToken cancellationToken)
    {
        var experiments = db.Experiments.AsNoTracking().VisibleTo(actors.Current);
        // A plan's stages are listed under their experiment (its detail), not beside it.
        if (!query.IncludeStages) experiments = experiments.Where(e => e.ParentExperimentId == null);
        if (query.Architecture is not null) experiments = experiments.Where(e => e.ArchitectureName == query.Architecture);
        if (query.Status is not null)
        {
            var status = Enum.Parse<ExperimentStatus>(query.Status, ignoreCase: true);
            experiments = experiments.Where(e => e.Status == status);
        }
        if (query.Dataset is not null)
            experiments = experiments.Where(e => e.DatasetName == query.Dataset || e.DatasetIdentity.StartsWith(query.Dataset));
        // Deleted runs (MLflow's lifecycle) are kept but listed nowhere.
        experiments = experiments.Where(e => e.DeletedAtUtc == null);
        foreach (var tag in query.Tags.Select(TagFilter.Parse))
        {
            var (key, value) = (tag.Key, tag.Value);
            experiments = value is null
                ? experiments.Where(e => db.RunTags.Any(t => t.ExperimentId == e.Id && t.Key == key))
                : experiments.Where(e => db.RunTags.Any(t => t.ExperimentId == e.Id && t.Key == key && t.Value == value));
        }
        if (!string.IsNullOrWhiteSpace(query.NameContains))
        {
            var text = query.NameContains.Trim().ToLower();
            experiments = experiments.Where(e => e.Name.ToLower().Contains(text));
        }
        experiments = query.SortBy == "created"
            ? experiments.OrderByDescending(e => e.CreatedAtUtc)
            : experiments.OrderByDescending(e => e.BestValMacroF1.HasValue).ThenByDescending(e => e.BestValMacroF1).ThenByDescending(e => e.CreatedAtUtc);
        var rows = await experiments
            .Take(query.Limit)
            .Select(e => new ExperimentSummary(e.Id, e.Name, e.ArchitectureName, e.Status.ToString(), e.DatasetName, e.DatasetIdentity,
                e.BestValMacroF1, e.BestEpoch,
                e.Epochs.Count + db.EpochMetrics.Count(m => db.Experiments.Any(c => c.ParentExperimentId == e.Id && c.Id == m.ExperimentId)),
                e.CreatedAtUtc, e.FailureReason)
            { Owner = e.Owner, Source = e.Source, StartedAtUtc = e.StartedAtUtc, FinishedAtUtc = e.FinishedAtUtc })
            .ToListAsync(cancellationToken);
        return await WithTagsAndDurations(rows, cancellationToken);
    }

    // Tags in one query for the whole page (ids compared client-side: providers store Guids differently).
    private async Task<IReadOnlyList<ExperimentSummary>> WithTagsAndDurations(List<ExperimentSummary> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return rows;
        var ids = rows.Select(r => r.Id).ToList();
        var tags = (await db.RunTags.AsNoTracking().Where(t => ids.Contains(t.ExperimentId)).ToListAsync(ct))
            .GroupBy(t => t.ExperimentId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<RunTagView>)g.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new RunTagView(t.Key, t.Value)).ToList());
        var now = DateTime.UtcNow;
        return rows.Select(r => r with
        {
            Tags = tags.GetValueOrDefault(r.Id) ?? [],
            DurationSeconds = r.StartedAtUtc is { } started ? ((r.FinishedAtUtc ?? now) - started).TotalSeconds : null,
        }).ToList();
    }
}
