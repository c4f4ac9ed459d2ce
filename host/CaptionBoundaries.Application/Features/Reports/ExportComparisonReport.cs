using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>Two or more runs (ids or prefixes, native or external) compared and exported as csv, json or html.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ExportComparisonReportQuery(IReadOnlyList<string> Ids, string Format) : IQuery<ReportFile>;

public sealed class ExportComparisonReportValidator : AbstractValidator<ExportComparisonReportQuery>
{
    public ExportComparisonReportValidator()
    {
        RuleFor(q => q.Format).MustBeReportFormat();
        RuleFor(q => q.Ids).Must(ids => ids.Count <= 50).WithMessage("Compare at most 50 runs in one report.").OverridePropertyName("ids");
    }
}

public sealed class ExportComparisonReportHandler(IMediator mediator, TimeProvider clock) : IQueryHandler<ExportComparisonReportQuery, ReportFile>
{
    public async ValueTask<ReportFile> Handle(ExportComparisonReportQuery query, CancellationToken ct)
    {
        var comparison = await mediator.Send(new CompareExperimentsQuery(query.Ids) { MaxPointsPerSeries = null }, ct);
        return ReportFormat.Write(ComparisonReport.Build(comparison, clock.GetUtcNow().UtcDateTime), query.Format);
    }
}
