using System.Text.Json;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>
/// Everything tracked about one run (settings, every epoch with per-class F1 and confusion matrix, checkpoints),
/// read from the tracking database so finished runs stay viewable after their grain is gone.
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record GetExperimentDetailQuery(string Id) : IQuery<ExperimentDetail>
{
    /// <summary>Each metric series thinned to at most this many points (null: every point, as exports want).</summary>
    public int? MaxPointsPerSeries { get; init; } = RunMetricSeries.DefaultMaxPoints;
}

public sealed record ExperimentDetail(
    Guid Id, string Name, string Status, string ArchitectureName, string AugmentationName, string EmbedderName,
    string DatasetName, string DatasetIdentity, string DatasetPath, string Device, string GitCommit, string? FailureReason,
    DateTime CreatedAtUtc, DateTime? StartedAtUtc, DateTime? FinishedAtUtc, double? BestValMacroF1, int? BestEpoch,
    IReadOnlyDictionary<string, string> ModelConfig, IReadOnlyDictionary<string, string> Hyperparameters,
    IReadOnlyList<EpochDetail> Epochs, IReadOnlyList<CheckpointDetail> Checkpoints)
{
    /// <summary>Queued and running runs still change; the console keeps refreshing them.</summary>
    public bool IsLive => Status is nameof(ExperimentStatus.Queued) or nameof(ExperimentStatus.Running);

    public long? TotalParameters { get; init; }
    public long? TrainableParameters { get; init; }

    /// <summary>A multi-stage experiment's stages, in plan order; its <see cref="Epochs"/> are theirs on one timeline.</summary>
    public IReadOnlyList<StageDetail> Stages { get; init; } = [];

    /// <summary>Set on a stage's own run: the experiment it belongs to.</summary>
    public Guid? ParentExperimentId { get; init; }
    public string? StageName { get; init; }

    /// <summary>"native" (trained here: epochs, checkpoints) or "mlflow" (logged from outside: metric series, params, tags only).</summary>
    public string Source { get; init; } = Experiment.NativeSource;

    public string Owner { get; init; } = "";
    public bool IsPrivate { get; init; }
    public string? Note { get; init; }
    public IReadOnlyList<RunTagView> Tags { get; init; } = [];

    /// <summary>Parameters logged through the MLflow API (native runs keep theirs in <see cref="Hyperparameters"/>).</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>Metric series by key, step by step (see <see cref="GetExperimentDetailQuery.MaxPointsPerSeries"/>).</summary>
    public IReadOnlyList<MetricSeriesDetail> MetricSeries { get; init; } = [];
    /// <summary>
    /// The mean train loss every N optimiser steps (step = global optimiser step, 1-based across epochs; a plan's stages
    /// follow one another), thinned evenly to at most <see cref="GetExperimentDetailHandler.MaxStepPoints"/> points.
    /// </summary>
    public IReadOnlyList<StepPoint> TrainLossSteps { get; init; } = [];

    /// <summary>The held-out test split, evaluated once with the best checkpoint; null when the dataset has no test split.</summary>
    public TestSplitResult? Test { get; init; }

    /// <summary>Why the run ended before its epoch budget (early stopping); null when it did not.</summary>
    public string? StoppedEarly { get; init; }
}

public sealed record StepPoint(long Step, double Value, long TimestampMs);

public sealed record TestSplitResult(
    double Loss, double Accuracy, double MacroF1, IReadOnlyDictionary<string, double> PerClassF1, IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix);

/// <summary>One stage of a plan as it ran: its child run, settings, trainable parameters and where it sits on the parent's timeline.</summary>
public sealed record StageDetail(
    int Index, string Name, Guid? ExperimentId, string Status, IReadOnlyDictionary<string, string> Freezing,
    IReadOnlyDictionary<string, string> Hyperparameters, long? TotalParameters, long? TrainableParameters,
    double? BestValMacroF1, int FirstEpoch, int LastEpoch, int EpochsRecorded);

public sealed record EpochDetail(
    int Epoch, double TrainLoss, double ValLoss, double ValAccuracy, double ValMacroF1,
    IReadOnlyDictionary<string, double> PerClassF1, IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix, double DurationSeconds);

public sealed record CheckpointDetail(string Kind, int Epoch, string Path, string Sha256, long SizeBytes, double ValMacroF1);

public sealed class GetExperimentDetailValidator : AbstractValidator<GetExperimentDetailQuery>
{
    public GetExperimentDetailValidator()
    {
        RuleFor(q => q.Id).NotEmpty().MinimumLength(4).WithMessage("Experiment id prefixes need at least 4 characters.").OverridePropertyName("id");
        RuleFor(q => q.MaxPointsPerSeries).GreaterThanOrEqualTo(2).When(q => q.MaxPointsPerSeries is not null).OverridePropertyName("max_points");
    }
}

public sealed class GetExperimentDetailHandler(TrackingDbContext db, Domain.Security.ActorContext actors) : IQueryHandler<GetExperimentDetailQuery, ExperimentDetail>
{
    /// <summary>A chart shows no more; a long run's series is thinned evenly (its first point and its last are kept).</summary>
    public const int MaxStepPoints = 2000;

    public async ValueTask<ExperimentDetail> Handle(GetExperimentDetailQuery query, CancellationToken cancellationToken)
    {
        var e = await ExperimentLookup.FindAsync(db, query.Id, actors.Current, cancellationToken);
        var (stages, stageEpochs) = await Stages(e, cancellationToken);
        var epochs = e.TrainingPlanJson is null ? e.Epochs : stageEpochs;
        return new ExperimentDetail(
            e.Id, e.Name, e.Status.ToString(), e.ArchitectureName, e.AugmentationName, $"{e.EmbedderName} {e.EmbedderVersion}",
            e.DatasetName, e.DatasetIdentity, e.DatasetPath, e.Device, e.GitCommit, e.FailureReason,
            e.CreatedAtUtc, e.StartedAtUtc, e.FinishedAtUtc, e.BestValMacroF1, e.BestEpoch,
            Strings(e.ModelConfigJson), Strings(e.HyperparametersJson),
            epochs.OrderBy(m => m.Epoch).Select(m => new EpochDetail(
                m.Epoch, m.TrainLoss, m.ValLoss, m.ValAccuracy, m.ValMacroF1,
                JsonSerializer.Deserialize<Dictionary<string, double>>(m.PerClassF1Json) ?? [],
                JsonSerializer.Deserialize<List<List<int>>>(m.ConfusionMatrixJson)?.Select(r => (IReadOnlyList<int>)r).ToList() ?? [],
                m.DurationSeconds)).ToList(),
            e.Checkpoints.OrderBy(c => c.Kind).Select(c => new CheckpointDetail(c.Kind, c.Epoch, c.Path, c.Sha256, c.SizeBytes, c.ValMacroF1)).ToList())
        {
            TotalParameters = e.TotalParameters,
            TrainableParameters = e.TrainableParameters,
            Stages = stages,
            ParentExperimentId = e.ParentExperimentId,
            StageName = e.StageName,
            Source = e.Source,
            Owner = e.Owner,
            IsPrivate = e.IsPrivate,
            Note = e.Note,
            Tags = await RunTagView.OfAsync(db, e.Id, cancellationToken),
            Params = await RunMetricSeries.ParamsAsync(db, e.Id, cancellationToken),
            MetricSeries = await RunMetricSeries.LoadAsync(db, e.Id, query.MaxPointsPerSeries, cancellationToken),
            TrainLossSteps = await StepSeries(e, stages, cancellationToken),
            Test = e.TestMacroF1 is { } f1
                ? new TestSplitResult(e.TestLoss ?? 0, e.TestAccuracy ?? 0, f1,
                    JsonSerializer.Deserialize<Dictionary<string, double>>(e.TestPerClassF1Json ?? "{}") ?? [],
                    JsonSerializer.Deserialize<List<List<int>>>(e.TestConfusionMatrixJson ?? "[]")?.Select(r => (IReadOnlyList<int>)r).ToList() ?? [])
                : null,
            StoppedEarly = await db.RunTags.AsNoTracking()
                .Where(t => t.ExperimentId == e.Id && t.Key == Infrastructure.Training.ExperimentRunner.StoppedEarlyTag)
                .Select(t => t.Value).FirstOrDefaultAsync(cancellationToken),
        };
    }

    /// <summary>
    /// The run's step losses; a plan's are its stages', each stage's steps following the last step of the stage before.
    /// </summary>
    private async Task<List<StepPoint>> StepSeries(Experiment e, IReadOnlyList<StageDetail> stages, CancellationToken ct)
    {
        if (stages.Count == 0) return await Thinned(e.Id, 0, MaxStepPoints, ct);
        var series = new List<StepPoint>();
        var offset = 0L;
        var runs = stages.Where(s => s.ExperimentId is not null).ToList();
        foreach (var stage in runs)
        {
            var points = await Thinned(stage.ExperimentId!.Value, offset, MaxStepPoints / runs.Count, ct);
            series.AddRange(points);
            if (points.Count > 0) offset = points[^1].Step;
        }
        return series;
    }

    /// <summary>
    /// At most about <paramref name="max"/> points, read in one query: every k-th logged step (steps are logged at
    /// multiples of the run's N, so k times the first logged step is the stride), plus the last one.
    /// </summary>
    private async Task<List<StepPoint>> Thinned(Guid runId, long offset, int max, CancellationToken ct)
    {
        var series = db.RunMetrics.AsNoTracking().Where(m => m.ExperimentId == runId && m.Key == Domain.Training.StepLoss.MetricKey);
        var count = await series.CountAsync(ct);
        if (count == 0) return [];
        var last = await series.MaxAsync(m => m.Step, ct);
        if (count > max)
        {
            var first = await series.MinAsync(m => m.Step, ct);
            var stride = Math.Max(1, first) * (long)Math.Ceiling(count / (double)Math.Max(1, max));
            series = series.Where(m => m.Step % stride == 0 || m.Step == last);
        }
        var rows = await series.OrderBy(m => m.Step).Select(m => new { m.Step, m.Value, m.IsNaN, m.TimestampMs }).ToListAsync(ct);
        return rows.Select(r => new StepPoint(offset + r.Step, r.IsNaN ? double.NaN : r.Value, r.TimestampMs)).ToList();
    }

    /// <summary>
    /// The plan's stages with their child runs, and the children's epochs renumbered onto the parent's timeline
    /// (stage k's epoch 1 follows the planned epochs of the stages before it).
    /// </summary>
    private async Task<(List<StageDetail> Stages, List<EpochMetric> Epochs)> Stages(Experiment parent, CancellationToken ct)
    {
        if (parent.TrainingPlanJson is null) return ([], []);
        var plan = JsonSerializer.Deserialize<List<Domain.Training.TrainingStage>>(parent.TrainingPlanJson) ?? [];
        var children = await db.Experiments.AsNoTracking().Include(c => c.Epochs)
            .Where(c => c.ParentExperimentId == parent.Id).ToListAsync(ct);
        var stages = new List<StageDetail>();
        var epochs = new List<EpochMetric>();
        var offset = 0;
        for (var i = 0; i < plan.Count; i++)
        {
            var stage = plan[i];
            var child = children.FirstOrDefault(c => c.StageIndex == i);
            var freezing = new Dictionary<string, string>
            {
                ["freeze"] = string.Join(", ", stage.Freeze),
                ["unfreeze"] = string.Join(", ", stage.Unfreeze),
            };
            stages.Add(new StageDetail(i, stage.Name, child?.Id, child?.Status.ToString() ?? "Pending", freezing,
                child is null ? new Dictionary<string, string>() : Strings(child.HyperparametersJson),
                child?.TotalParameters, child?.TrainableParameters, child?.BestValMacroF1,
                offset + 1, offset + stage.Epochs, child?.Epochs.Count ?? 0));
            if (child is not null)
                epochs.AddRange(child.Epochs.Select(m => new EpochMetric
                {
                    ExperimentId = parent.Id,
                    Epoch = offset + m.Epoch,
                    TrainLoss = m.TrainLoss,
                    ValLoss = m.ValLoss,
                    ValAccuracy = m.ValAccuracy,
                    ValMacroF1 = m.ValMacroF1,
                    PerClassF1Json = m.PerClassF1Json,
                    ConfusionMatrixJson = m.ConfusionMatrixJson,
                    DurationSeconds = m.DurationSeconds,
                    RecordedAtUtc = m.RecordedAtUtc,
                }));
            offset += stage.Epochs;
        }
        return (stages, epochs);
    }

    // Hyperparameters are stored as a JSON object of mixed numbers and strings; the console shows them as text.
    private static Dictionary<string, string> Strings(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }
}
