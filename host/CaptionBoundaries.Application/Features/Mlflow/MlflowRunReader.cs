using System.Text.Json;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Tracking.Search;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Mlflow;

/// <summary>
/// Reads runs (native and external alike) in MLflow's shape, in bulk. A native run's epochs appear as the metrics
/// train_loss, val_loss, val_accuracy and val_macro_f1 with step = epoch, its hyperparameters and model config as
/// params, its name, owner, commit and note as MLflow's system tags; whatever was logged on it (tags, per-step series)
/// is added. External runs are exactly what their client logged.
/// </summary>
public sealed class MlflowRunReader(TrackingDbContext db, ActorContext actors)
{
    public static IReadOnlyList<string> EpochMetricKeys => Experiments.ComparedSeries.EpochKeys;

    /// <summary>A run the caller may see, by its MLflow id; 404 in MLflow's words otherwise (private runs of others included).</summary>
    public async Task<Experiment> FindAsync(string? runId, CancellationToken ct, bool tracked = false)
    {
        if (!TryParseRunId(runId, out var id)) throw DomainException.NotFound($"Run with id={runId} not found");
        var query = tracked ? db.Experiments : db.Experiments.AsNoTracking();
        return await query.VisibleTo(actors.Current).FirstOrDefaultAsync(e => e.Id == id, ct)
            ?? throw DomainException.NotFound($"Run with id={runId} not found");
    }

    public static bool TryParseRunId(string? runId, out Guid id)
    {
        id = Guid.Empty;
        return runId is { Length: <= 64 } && Guid.TryParse(runId, out id);
    }

    public static string ExperimentIdOf(Experiment run) => (run.RunGroupId ?? RunGroup.DefaultId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string ArtifactUriOf(Experiment run) => $"mlflow-artifacts:/{ExperimentIdOf(run)}/{run.Id:N}/artifacts";

    public static MlflowRunInfo InfoOf(Experiment run) => new(
        run.Id.ToString("N"), run.Id.ToString("N"), run.Name, ExperimentIdOf(run), run.Owner, MlflowRunStatus.Of(run.Status),
        UnixMs.Of(run.StartedAtUtc ?? run.CreatedAtUtc), run.FinishedAtUtc is { } end ? UnixMs.Of(end) : null, ArtifactUriOf(run),
        run.DeletedAtUtc is null ? RunGroup.Active : RunGroup.Deleted);

    public async Task<IReadOnlyList<MlflowRun>> ReadAsync(IReadOnlyList<Experiment> runs, CancellationToken ct)
    {
        var ids = runs.Select(r => r.Id).ToList();
        var parameters = (await db.RunParams.AsNoTracking().Where(p => ids.Contains(p.ExperimentId)).ToListAsync(ct)).ToLookup(p => p.ExperimentId);
        var tags = (await db.RunTags.AsNoTracking().Where(t => ids.Contains(t.ExperimentId)).ToListAsync(ct)).ToLookup(t => t.ExperimentId);
        var latest = (await LatestMetrics(ids).ToListAsync(ct)).ToLookup(m => m.ExperimentId);
        var nativeIds = runs.Where(r => r.Source == Experiment.NativeSource).Select(r => r.Id).ToList();
        var lastEpochs = nativeIds.Count == 0 ? [] : await db.EpochMetrics.AsNoTracking()
            .Where(m => nativeIds.Contains(m.ExperimentId) && !db.EpochMetrics.Any(o => o.ExperimentId == m.ExperimentId && o.Epoch > m.Epoch))
            .ToDictionaryAsync(m => m.ExperimentId, ct);
        return runs.Select(run => new MlflowRun(InfoOf(run), new MlflowRunData(
            MetricsOf(run, latest[run.Id], lastEpochs.GetValueOrDefault(run.Id)),
            ParamsOf(run, parameters[run.Id]),
            TagsOf(run, tags[run.Id])))).ToList();
    }

    /// <summary>The runs as search filters see them (same values as <see cref="ReadAsync"/>).</summary>
    public static SearchableRun Searchable(MlflowRun run) => new(
        run.Info.RunId, run.Info.RunName, run.Info.Status, run.Info.UserId, run.Info.ArtifactUri, run.Info.StartTime, run.Info.EndTime,
        run.Data.Metrics.ToDictionary(m => m.Key, m => m.Value),
        run.Data.Params.ToDictionary(p => p.Key, p => p.Value),
        run.Data.Tags.ToDictionary(t => t.Key, t => t.Value));

    /// <summary>The latest point of each series of each run: highest step, then newest timestamp (MLflow's "latest metric").</summary>
    // One pass over the runs' points (ROW_NUMBER over each series), not a correlated subquery per point: a series of
    // 100k points logged at one step would otherwise cost 100k² comparisons on every read.
    private IQueryable<RunMetric> LatestMetrics(List<Guid> ids) =>
        db.RunMetrics.AsNoTracking().Where(m => ids.Contains(m.ExperimentId))
            .GroupBy(m => new { m.ExperimentId, m.Key })
            .Select(g => g.OrderByDescending(m => m.Step).ThenByDescending(m => m.TimestampMs).ThenByDescending(m => m.Id).First());

    private static List<MlflowMetric> MetricsOf(Experiment run, IEnumerable<RunMetric> logged, EpochMetric? lastEpoch)
    {
        var metrics = logged.Select(m => new MlflowMetric(m.Key, m.IsNaN ? double.NaN : m.Value, m.TimestampMs, m.Step)).ToList();
        if (lastEpoch is not null)
        {
            var at = UnixMs.Of(lastEpoch.RecordedAtUtc);
            metrics.Add(new MlflowMetric("train_loss", lastEpoch.TrainLoss, at, lastEpoch.Epoch));
            metrics.Add(new MlflowMetric("val_loss", lastEpoch.ValLoss, at, lastEpoch.Epoch));
            metrics.Add(new MlflowMetric("val_accuracy", lastEpoch.ValAccuracy, at, lastEpoch.Epoch));
            metrics.Add(new MlflowMetric("val_macro_f1", lastEpoch.ValMacroF1, at, lastEpoch.Epoch));
        }
        var finished = UnixMs.Of(run.FinishedAtUtc ?? run.CreatedAtUtc);
        if (run.Source == Experiment.NativeSource && run.BestValMacroF1 is { } best) metrics.Add(new MlflowMetric("best_val_macro_f1", best, finished, run.BestEpoch ?? 0));
        if (run.TestMacroF1 is { } testF1) metrics.Add(new MlflowMetric("test_macro_f1", testF1, finished, 0));
        if (run.TestAccuracy is { } testAccuracy) metrics.Add(new MlflowMetric("test_accuracy", testAccuracy, finished, 0));
        if (run.TestLoss is { } testLoss) metrics.Add(new MlflowMetric("test_loss", testLoss, finished, 0));
        return metrics.DistinctBy(m => m.Key).OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
    }

    private static List<MlflowKeyValue> ParamsOf(Experiment run, IEnumerable<RunParam> logged)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (run.Source == Experiment.NativeSource)
        {
            foreach (var (key, value) in Strings(run.HyperparametersJson)) values[key] = value;
            foreach (var (key, value) in Strings(run.ModelConfigJson)) values[$"model.{key}"] = value;
            values["architecture"] = run.ArchitectureName;
            values["augmentation"] = run.AugmentationName;
            values["embedder"] = run.EmbedderName;
            values["dataset"] = run.DatasetName;
            values["dataset_identity"] = run.DatasetIdentity;
        }
        foreach (var p in logged) values.TryAdd(p.Key, p.Value);
        return values.Select(kv => new MlflowKeyValue(kv.Key, kv.Value)).ToList();
    }

    private static List<MlflowKeyValue> TagsOf(Experiment run, IEnumerable<RunTag> logged)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in logged) values[t.Key] = t.Value;
        values["mlflow.runName"] = run.Name;
        values["mlflow.user"] = run.Owner;
        if (!string.IsNullOrEmpty(run.GitCommit) && run.Source == Experiment.NativeSource) values["mlflow.source.git.commit"] = run.GitCommit;
        if (run.Note is not null) values[RunLogBatch.NoteTag] = run.Note;
        return values.Select(kv => new MlflowKeyValue(kv.Key, kv.Value)).ToList();
    }

    private static IEnumerable<(string, string)> Strings(string json)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) yield break;
        foreach (var p in doc.RootElement.EnumerateObject())
            yield return (p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }
}
