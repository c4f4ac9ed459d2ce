using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Benchmarks;

/// <summary>
/// One metric across a model's versions, in version order: how it moved from one release to the next. Benchmark
/// metrics come from each version's latest benchmark; val_macro_f1 from training.
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetMetricHistoryQuery(string Model, string Metric) : IModelRequest, IQuery<MetricHistory>;

/// <summary>A version's value; null when it has none (never benchmarked, or no validation F1 recorded).</summary>
public sealed record MetricHistoryPoint(int Version, double? Value, DateTime RegisteredAtUtc, Guid? BenchmarkRunId);

public sealed record MetricHistory(string Model, string Metric, IReadOnlyList<MetricHistoryPoint> Points);

public sealed class GetMetricHistoryValidator : AbstractValidator<GetMetricHistoryQuery>
{
    public GetMetricHistoryValidator()
    {
        RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(q => q.Metric).Must(BenchmarkMetrics.IsKnown)
            .WithMessage(q => $"Unknown metric '{q.Metric}'; valid metrics: {string.Join(", ", BenchmarkMetrics.Names)}.")
            .OverridePropertyName("metric");
    }
}

public sealed class GetMetricHistoryHandler(IGrainFactory grains, TrackingDbContext db) : IQueryHandler<GetMetricHistoryQuery, MetricHistory>
{
    public async ValueTask<MetricHistory> Handle(GetMetricHistoryQuery query, CancellationToken ct)
    {
        var info = await ServedModelLookup.InfoAsync(grains, query.Model);
        var latest = await LatestResults.ForModelAsync(db, query.Model, ct);
        var points = info.Versions.OrderBy(v => v.Version).Select(v =>
        {
            var entry = latest.GetValueOrDefault(v.Version);
            return new MetricHistoryPoint(v.Version, BenchmarkMetrics.Value(query.Metric, v, entry?.Result), v.RegisteredAtUtc,
                query.Metric == BenchmarkMetrics.ValMacroF1 ? null : entry?.Run.Id);
        }).ToList();
        return new MetricHistory(info.Name, query.Metric, points);
    }
}
