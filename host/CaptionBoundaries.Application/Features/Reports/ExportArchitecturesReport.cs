using CaptionBoundaries.Application.Features.Architectures;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>The architectures comparison exported as csv, json or html; see <see cref="ArchitecturesReport"/>.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ExportArchitecturesReportQuery(string Format) : IQuery<ReportFile>;

public sealed class ExportArchitecturesReportValidator : AbstractValidator<ExportArchitecturesReportQuery>
{
    public ExportArchitecturesReportValidator() => RuleFor(q => q.Format).MustBeReportFormat();
}

public sealed class ExportArchitecturesReportHandler(IMediator mediator, TimeProvider clock) : IQueryHandler<ExportArchitecturesReportQuery, ReportFile>
{
    public async ValueTask<ReportFile> Handle(ExportArchitecturesReportQuery query, CancellationToken ct) =>
        ReportFormat.Write(ArchitecturesReport.Build(await mediator.Send(new CompareArchitecturesQuery(), ct), clock.GetUtcNow().UtcDateTime), query.Format);
}
