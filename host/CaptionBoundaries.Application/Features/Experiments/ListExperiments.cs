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
    bool IncludeStages = false) : IQuery<IReadOnlyList<ExperimentSummary>>;

public sealed record ExperimentSummary(
    Guid Id, string Name, string ArchitectureName, string Status, string DatasetName, string DatasetIdentity,
    double? BestValMacroF1, int? BestEpoch, int EpochsRecorded, DateTime CreatedAtUtc, string? FailureReason);

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
        experiments = query.SortBy == "created"
            ? experiments.OrderByDescending(e => e.CreatedAtUtc)
            : experiments.OrderByDescending(e => e.BestValMacroF1.HasValue).ThenByDescending(e => e.BestValMacroF1).ThenByDescending(e => e.CreatedAtUtc);
        return await experiments
            .Take(query.Limit)
            .Select(e => new ExperimentSummary(e.Id, e.Name, e.ArchitectureName, e.Status.ToString(), e.DatasetName, e.DatasetIdentity,
                e.BestValMacroF1, e.BestEpoch,
                e.Epochs.Count + db.EpochMetrics.Count(m => db.Experiments.Any(c => c.ParentExperimentId == e.Id && c.Id == m.ExperimentId)),
                e.CreatedAtUtc, e.FailureReason))
            .ToListAsync(cancellationToken);
    }
}
