using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>One run (id or unambiguous prefix) exported as csv, json or html; see <see cref="RunReport"/>.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ExportRunReportQuery(string Id, string Format) : IQuery<ReportFile>;

public sealed class ExportRunReportValidator : AbstractValidator<ExportRunReportQuery>
{
    public ExportRunReportValidator()
    {
        RuleFor(q => q.Format).MustBeReportFormat();
        RuleFor(q => q.Id).NotEmpty().MinimumLength(4).WithMessage("Experiment id prefixes need at least 4 characters.").OverridePropertyName("id");
    }
}

public sealed class ExportRunReportHandler(IMediator mediator, TimeProvider clock) : IQueryHandler<ExportRunReportQuery, ReportFile>
{
    public async ValueTask<ReportFile> Handle(ExportRunReportQuery query, CancellationToken ct)
    {
        // Through the pipeline like any read: the same visibility (another account's private run is not found).
        var run = await mediator.Send(new GetExperimentDetailQuery(query.Id) { MaxPointsPerSeries = null }, ct);
        var files = await mediator.Send(new ListRunArtifactsQuery(run.Id, Recursive: true), ct);
        return ReportFormat.Write(RunReport.Build(run, files.Files, clock.GetUtcNow().UtcDateTime), query.Format);
    }
}
