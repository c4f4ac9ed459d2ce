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
public sealed record LogToMlflowRunCommand(
    string? RunId, IReadOnlyList<MlflowMetricInput?> Metrics, IReadOnlyList<MlflowKeyValue?> Params, IReadOnlyList<MlflowKeyValue?> Tags) : ICommand<Unit>
{
    /// <summary>The points, params and tags as the tracking store takes them (after the validator saw every field given).</summary>
    public RunLogBatch ToBatch() => new(
        Metrics.Select(m => new LoggedMetric(m!.Key!, m.Value!.Value, m.Timestamp!.Value, m.Step ?? 0)).ToList(),
        Params.Select(p => new LoggedValue(p!.Key, p.Value)).ToList(),
        Tags.Select(t => new LoggedValue(t!.Key, t.Value)).ToList());
}

/// <summary>A metric point as it arrives: every field optional, so a missing one is refused by name.</summary>
public sealed record MlflowMetricInput(string? Key, double? Value, long? Timestamp, long? Step);

/// <summary>One tag (MLflow's set-tag): audited, unlike metric logging, since it changes what others read about the run.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record SetMlflowRunTagCommand(string? RunId, string? Key, string? Value) : ICommand<Unit>;

[RequiresRole(Roles.Researcher)]
public sealed record DeleteMlflowRunTagCommand(string? RunId, string? Key) : ICommand<Unit>;

/// <summary>Every point of one metric of a run, in step order (MLflow's metrics/get-history).</summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetMlflowMetricHistoryQuery(string? RunId, string MetricKey, int MaxResults, string? PageToken) : IQuery<MlflowPage<MlflowMetric>>;

public sealed class LogToMlflowRunValidator : AbstractValidator<LogToMlflowRunCommand>
{
    public LogToMlflowRunValidator()
    {
        RuleFor(c => c.RunId).Given("run_id");
        RuleForEach(c => c.Metrics).NotNull().WithMessage("A metric may not be null.").OverridePropertyName("metrics");
        RuleForEach(c => c.Metrics).ChildRules(metric =>
        {
            metric.RuleFor(m => m!.Key).Given("key");
            metric.RuleFor(m => m!.Value).NotNull().WithMessage("Missing value for required parameter 'value'.").OverridePropertyName("value");
            metric.RuleFor(m => m!.Timestamp).NotNull().WithMessage("Missing value for required parameter 'timestamp'.").OverridePropertyName("timestamp");
        }).When(c => c.Metrics.All(m => m is not null)).OverridePropertyName("metrics");
        RuleForEach(c => c.Params).Must(p => p is { Key: not null, Value: not null })
            .WithMessage("Every param needs a key and a value.").OverridePropertyName("params");
        RuleForEach(c => c.Tags).Must(t => t is { Key: not null, Value: not null })
            .WithMessage("Every tag needs a key and a value.").OverridePropertyName("tags");
    }
}

public sealed class SetMlflowRunTagValidator : AbstractValidator<SetMlflowRunTagCommand>
{
    public SetMlflowRunTagValidator()
    {
        RuleFor(c => c.RunId).Given("run_id");
        RuleFor(c => c.Key).Given("key");
        RuleFor(c => c.Value).NotNull().WithMessage("Missing value for required parameter 'value'.").OverridePropertyName("value");
    }
}

public sealed class DeleteMlflowRunTagValidator : AbstractValidator<DeleteMlflowRunTagCommand>
{
    public DeleteMlflowRunTagValidator()
    {
        RuleFor(c => c.RunId).Given("run_id");
        RuleFor(c => c.Key).Given("key");
    }
}

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
    ICommandHandler<SetMlflowRunTagCommand, Unit>,
    ICommandHandler<DeleteMlflowRunTagCommand, Unit>,
    IQueryHandler<GetMlflowMetricHistoryQuery, MlflowPage<MlflowMetric>>
{
    public async ValueTask<Unit> Handle(LogToMlflowRunCommand command, CancellationToken ct)
    {
        var batch = command.ToBatch();
        batch.Validate();
        var run = await WritableRun(command.RunId, ct);
        if (run.Source == Experiment.NativeSource && (batch.Metrics.Count > 0 || batch.Params.Count > 0))
            throw DomainException.Conflict($"Run {run.Id:N} is trained here: its metrics and params are the trainer's; only tags and notes can be added to it.");
        await writer.WriteAsync(run.Id, batch, ct);
        return Unit.Value;
    }

    public async ValueTask<Unit> Handle(SetMlflowRunTagCommand command, CancellationToken ct)
    {
        var batch = new RunLogBatch([], [], [new LoggedValue(command.Key!, command.Value!)]);
        batch.Validate();
        var run = await WritableRun(command.RunId, ct);
        await writer.WriteAsync(run.Id, batch, ct);
        return Unit.Value;
    }

    public async ValueTask<Unit> Handle(DeleteMlflowRunTagCommand command, CancellationToken ct)
    {
        var run = await WritableRun(command.RunId, ct);
        await writer.DeleteTagAsync(run.Id, command.Key!, ct);
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
