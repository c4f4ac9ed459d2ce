using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Mlflow;

/// <summary>
/// Logs metrics, params and tags to a run (MLflow's log-metric, log-parameter, set-tag and log-batch all come here).
/// Not audited: a training script logs thousands of points; the run itself records who logged them.
/// </summary>
[RequiresRole(Roles.Researcher), NotAudited]
public sealed record LogToMlflowRunCommand(string? RunId, RunLogBatch Batch) : ICommand<Unit>;

[RequiresRole(Roles.Researcher), NotAudited]
public sealed record DeleteMlflowRunTagCommand(string? RunId, string Key) : ICommand<Unit>;

/// <summary>Every point of one metric of a run, in step order (MLflow's metrics/get-history).</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetMlflowMetricHistoryQuery(string? RunId, string MetricKey, int MaxResults, string? PageToken) : IQuery<MlflowPage<MlflowMetric>>;

public sealed class LogToMlflowRunValidator : AbstractValidator<LogToMlflowRunCommand>;

public sealed class DeleteMlflowRunTagValidator : AbstractValidator<DeleteMlflowRunTagCommand>;

public sealed class GetMlflowMetricHistoryValidator : AbstractValidator<GetMlflowMetricHistoryQuery>
{
    public GetMlflowMetricHistoryValidator()
    {
        RuleFor(q => q.MetricKey).NotEmpty().MaximumLength(RunLogBatch.MaxKeyLength).OverridePropertyName("metric_key");
        RuleFor(q => q.MaxResults).InclusiveBetween(1, 100_000).OverridePropertyName("max_results");
    }
}

public sealed class MlflowLoggingHandlers(TrackingDbContext db, ActorContext actors, MlflowRunReader reader, RunLogWriter writer) :
    ICommandHandler<LogToMlflowRunCommand, Unit>,
    ICommandHandler<DeleteMlflowRunTagCommand, Unit>,
    IQueryHandler<GetMlflowMetricHistoryQuery, MlflowPage<MlflowMetric>>
{
    public async ValueTask<Unit> Handle(LogToMlflowRunCommand command, CancellationToken ct)
    {
        command.Batch.Validate();
        var run = await WritableRun(command.RunId, ct);
        if (run.Source == Experiment.NativeSource && (command.Batch.Metrics.Count > 0 || command.Batch.Params.Count > 0))
            throw DomainException.Conflict($"Run {run.Id:N} is trained here: its metrics and params are the trainer's; only tags and notes can be added to it.");
        await writer.WriteAsync(run.Id, command.Batch, ct);
        return Unit.Value;
    }

    public async ValueTask<Unit> Handle(DeleteMlflowRunTagCommand command, CancellationToken ct)
    {
        var run = await WritableRun(command.RunId, ct);
        await writer.DeleteTagAsync(run.Id, command.Key, ct);
        return Unit.Value;
    }

    public async ValueTask<MlflowPage<MlflowMetric>> Handle(GetMlflowMetricHistoryQuery query, CancellationToken ct)
    {
        var run = await reader.FindAsync(query.RunId, ct);
        var offset = MlflowPaging.Offset(query.PageToken);
        List<MlflowMetric> points;
        if (run.Source == Experiment.NativeSource && MlflowRunReader.EpochMetricKeys.Contains(query.MetricKey))
        {
            var epochs = await db.EpochMetrics.AsNoTracking().Where(m => m.ExperimentId == run.Id).OrderBy(m => m.Epoch)
                .Skip(offset).Take(query.MaxResults + 1).ToListAsync(ct);
            points = epochs.Select(e => new MlflowMetric(query.MetricKey, query.MetricKey switch
            {
                "train_loss" => e.TrainLoss,
                "val_loss" => e.ValLoss,
                "val_accuracy" => e.ValAccuracy,
                _ => e.ValMacroF1,
            }, UnixMs.Of(e.RecordedAtUtc), e.Epoch)).ToList();
        }
        else
        {
            var rows = await db.RunMetrics.AsNoTracking().Where(m => m.ExperimentId == run.Id && m.Key == query.MetricKey)
                .OrderBy(m => m.Step).ThenBy(m => m.TimestampMs).ThenBy(m => m.Id)
                .Skip(offset).Take(query.MaxResults + 1).ToListAsync(ct);
            points = rows.Select(m => new MlflowMetric(m.Key, m.IsNaN ? double.NaN : m.Value, m.TimestampMs, m.Step)).ToList();
        }
        // One more than asked tells whether there is a next page without counting the whole series.
        var next = points.Count > query.MaxResults ? MlflowPaging.Token(offset + query.MaxResults) : null;
        return new MlflowPage<MlflowMetric>(points.Take(query.MaxResults).ToList(), next);
    }

    private async Task<Experiment> WritableRun(string? runId, CancellationToken ct)
    {
        var run = await reader.FindAsync(runId, ct);
        await ExperimentAccess.EnsureMayChange(db, actors.Current, run.Id, "log to", ct);
        if (run.DeletedAtUtc is not null)
            throw DomainException.Invalid($"The run {run.Id:N} must be in the 'active' state. Current state is deleted.", "run_id");
        return run;
    }
}
