using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Application.Features.Registry;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>A served model's benchmark runs exported as csv, json or html; a private model of another account is not found.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ExportBenchmarkReportQuery(string Model, string Format) : IModelRequest, IQuery<ReportFile>;

public sealed class ExportBenchmarkReportValidator : AbstractValidator<ExportBenchmarkReportQuery>
{
    public ExportBenchmarkReportValidator()
    {
        RuleFor(q => q.Model).MustBeModelName().OverridePropertyName("model");
        RuleFor(q => q.Format).MustBeReportFormat();
    }
}

public sealed class ExportBenchmarkReportHandler(IMediator mediator, TimeProvider clock) : IQueryHandler<ExportBenchmarkReportQuery, ReportFile>
{
    public async ValueTask<ReportFile> Handle(ExportBenchmarkReportQuery query, CancellationToken ct)
    {
        var runs = await mediator.Send(new GetModelPerformanceQuery(query.Model), ct);
        return ReportFormat.Write(BenchmarkReport.Build(query.Model, runs, clock.GetUtcNow().UtcDateTime), query.Format);
    }
}
