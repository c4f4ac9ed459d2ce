using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Accounts;

/// <summary>The newest audit entries, optionally of one actor: admins only.</summary>
[RequiresRole(Roles.Admin)]
public sealed record GetAuditLogQuery(string? Actor = null, int Limit = 200) : IQuery<IReadOnlyList<AuditEntry>>;

public sealed class GetAuditLogValidator : AbstractValidator<GetAuditLogQuery>
{
    public GetAuditLogValidator() => RuleFor(q => q.Limit).InclusiveBetween(1, 10_000).OverridePropertyName("limit");
}

public sealed class GetAuditLogHandler(TrackingDbContext db) : IQueryHandler<GetAuditLogQuery, IReadOnlyList<AuditEntry>>
{
    public async ValueTask<IReadOnlyList<AuditEntry>> Handle(GetAuditLogQuery query, CancellationToken ct)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Actor)) entries = entries.Where(e => e.Actor == query.Actor);
        return await entries.OrderByDescending(e => e.Id).Take(query.Limit).ToListAsync(ct);
    }
}
