using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.DatasetVersions;

/// <summary>Versions of one dataset (newest first), or of every dataset when no name is given.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ListDatasetVersionsQuery(string? Name = null) : IQuery<IReadOnlyList<DatasetVersionSummary>>;

public sealed class ListDatasetVersionsValidator : AbstractValidator<ListDatasetVersionsQuery>
{
    public ListDatasetVersionsValidator()
    {
        RuleFor(q => q.Name!).MustBeDatasetName().When(q => q.Name is not null).OverridePropertyName("name");
    }
}

public sealed class ListDatasetVersionsHandler(TrackingDbContext db) : IQueryHandler<ListDatasetVersionsQuery, IReadOnlyList<DatasetVersionSummary>>
{
    public async ValueTask<IReadOnlyList<DatasetVersionSummary>> Handle(ListDatasetVersionsQuery query, CancellationToken cancellationToken)
    {
        var versions = db.DatasetVersions.AsNoTracking();
        if (query.Name is not null)
        {
            await DatasetVersionLookup.RequireDataset(db, query.Name, cancellationToken);
            versions = versions.Where(v => v.DatasetName == query.Name);
        }
        var rows = await versions.OrderBy(v => v.DatasetName).ThenByDescending(v => v.Number).ToListAsync(cancellationToken);
        return rows.Select(DatasetVersionSummary.From).ToList();
    }
}
