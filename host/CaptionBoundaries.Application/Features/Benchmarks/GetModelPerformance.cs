using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Benchmarks;

/// <summary>The performance table of a served model: every benchmark run (newest first) with its per-version results.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetModelPerformanceQuery(string Model) : IModelRequest, IQuery<IReadOnlyList<BenchmarkRunView>>;

public sealed class GetModelPerformanceValidator : AbstractValidator<GetModelPerformanceQuery>
{
    public GetModelPerformanceValidator() => RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
}

public sealed class GetModelPerformanceHandler(IGrainFactory grains, TrackingDbContext db)
    : IQueryHandler<GetModelPerformanceQuery, IReadOnlyList<BenchmarkRunView>>
{
    public async ValueTask<IReadOnlyList<BenchmarkRunView>> Handle(GetModelPerformanceQuery query, CancellationToken ct)
    {
        await ServedModelLookup.InfoAsync(grains, query.Model);
        var runs = await db.BenchmarkRuns.AsNoTracking().Include(r => r.Results)
            .Where(r => r.ModelName == query.Model).ToListAsync(ct);
        return runs.OrderByDescending(r => r.CreatedAtUtc).Select(BenchmarkRunView.From).ToList();
    }
}
