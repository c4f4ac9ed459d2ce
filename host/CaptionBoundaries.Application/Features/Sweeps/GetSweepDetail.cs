using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Sweeps;

/// <summary>A sweep with every trial's parameter values, and each parameter's declared shape (categories, range, log scale).</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetSweepDetailQuery(Guid SweepId) : IQuery<SweepDetail>;

public sealed class GetSweepDetailValidator : AbstractValidator<GetSweepDetailQuery>
{
    public GetSweepDetailValidator() => RuleFor(q => q.SweepId).NotEmpty().OverridePropertyName("id");
}

public sealed class GetSweepDetailHandler(IGrainFactory grains) : IQueryHandler<GetSweepDetailQuery, SweepDetail>
{
    public async ValueTask<SweepDetail> Handle(GetSweepDetailQuery query, CancellationToken ct) =>
        SweepViews.Detail(await grains.GetGrain<ISweepGrain>(query.SweepId).GetStatus());
}
