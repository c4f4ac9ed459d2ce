using System.Globalization;
using CaptionBoundaries.Application.Charts;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Domain.Tracking;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>
/// One run as a report. Main table (the CSV): every metric point, long form (metric, step, value): a native run's
/// epochs as train_loss, val_loss, val_accuracy and val_macro_f1 with step = epoch, then each logged series.
/// Also: settings, tags, epochs, checkpoints and files; charts of the loss and F1 curves and of each logged series.
/// </summary>
public static class RunReport
{
    public static Report Build(ExperimentDetail run, IReadOnlyList<ArtifactEntry> artifacts, DateTime now)
    {
        var series = ComparedSeries.Of(run);
        var facts = new List<ReportFact>
        {
            new("id", run.Id.ToString("N")),
            new("name", run.Name),
            new("source", run.Source),
            new("owner", run.Owner),
            new("status", run.Status),
        };
        if (run.FailureReason is { } reason) facts.Add(new("failure", reason));
        if (run.Source == Infrastructure.Tracking.Experiment.NativeSource)
        {
            facts.Add(new("architecture", run.ArchitectureName));
            facts.Add(new("dataset", $"{run.DatasetName} {run.DatasetIdentity}"));
        }
        facts.Add(new("created (UTC)", Time(run.CreatedAtUtc)));
        if (run.StartedAtUtc is { } started) facts.Add(new("started (UTC)", Time(started)));
        if (run.FinishedAtUtc is { } finished) facts.Add(new("finished (UTC)", Time(finished)));
        if (run.StartedAtUtc is { } s && run.FinishedAtUtc is { } f) facts.Add(new("duration", Duration(f - s)));
        if (run.BestValMacroF1 is { } best) facts.Add(new("best val macro-F1", $"{best.ToString("R", CultureInfo.InvariantCulture)} (epoch {run.BestEpoch})"));
        if (run.TrainableParameters is { } trainable) facts.Add(new("trainable parameters", trainable.ToString(CultureInfo.InvariantCulture)));
        if (run.Note is { } note) facts.Add(new("note", note));

        var tables = new List<ReportTable>
        {
            new("metrics", "Metrics (every point)", ["metric", "step", "value"],
                series.SelectMany(m => m.Points.Select(p => Row(ReportCell.Of(m.Key), ReportCell.Of(p.Step), ReportCell.Of(p.Value)))).ToList()),
            new("settings", "Settings and parameters", ["key", "value"],
                run.ModelConfig.Select(kv => Row(ReportCell.Of($"model.{kv.Key}"), ReportCell.Of(kv.Value)))
                    .Concat(run.Hyperparameters.Select(kv => Row(ReportCell.Of($"hp.{kv.Key}"), ReportCell.Of(kv.Value))))
                    .Concat(run.Params.Select(kv => Row(ReportCell.Of($"param.{kv.Key}"), ReportCell.Of(kv.Value)))).ToList()),
            new("tags", "Tags", ["key", "value"], run.Tags.Select(t => Row(ReportCell.Of(t.Key), ReportCell.Of(t.Value))).ToList()),
        };
        if (run.Epochs.Count > 0)
            tables.Add(new("epochs", "Epochs", ["epoch", "train_loss", "val_loss", "val_accuracy", "val_macro_f1", "duration_seconds"],
                run.Epochs.Select(e => Row(ReportCell.Of(e.Epoch), ReportCell.Of(e.TrainLoss), ReportCell.Of(e.ValLoss), ReportCell.Of(e.ValAccuracy),
                    ReportCell.Of(e.ValMacroF1), ReportCell.Of(e.DurationSeconds))).ToList()));
        if (run.Checkpoints.Count > 0)
            tables.Add(new("checkpoints", "Checkpoints", ["kind", "epoch", "val_macro_f1", "sha256", "size_bytes"],
                run.Checkpoints.Select(c => Row(ReportCell.Of(c.Kind), ReportCell.Of(c.Epoch), ReportCell.Of(c.ValMacroF1), ReportCell.Of(c.Sha256), ReportCell.Of(c.SizeBytes))).ToList()));
        tables.Add(new("artifacts", "Files", ["path", "size_bytes", "sha256"],
            artifacts.Select(a => Row(ReportCell.Of(a.Path), ReportCell.Of(a.SizeBytes), ReportCell.Of(a.Sha256))).ToList()));

        var charts = new List<ReportChart>();
        if (run.Epochs.Count > 0)
        {
            charts.Add(new ReportLineChart("loss", "Loss", "epoch", "loss", true, [Series(series, "train_loss", "train loss"), Series(series, "val_loss", "val loss")]));
            charts.Add(new ReportLineChart("f1", "Validation macro-F1 and accuracy", "epoch", "", true,
                [Series(series, "val_macro_f1", "val macro-F1"), Series(series, "val_accuracy", "val accuracy")]));
        }
        foreach (var logged in series.Where(m => !ComparedSeries.EpochKeys.Contains(m.Key) || run.Epochs.Count == 0))
            charts.Add(new ReportLineChart($"metric-{logged.Key}", logged.Key, "step", logged.Key, true, [Series(series, logged.Key, logged.Key)]));

        return new Report("run", $"Run {run.Name}", now, facts, tables, charts) { FileStem = $"run-{run.Name}-{run.Id.ToString("N")[..8]}" };
    }

    private static ChartSeries Series(IReadOnlyList<MetricSeriesDetail> series, string key, string name) =>
        new(name, series.FirstOrDefault(s => s.Key == key)?.Points.Select(p => new LinePoint(p.Step, p.Value)).ToList() ?? []);

    public static IReadOnlyList<ReportCell> Row(params ReportCell[] cells) => cells;

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan d) =>
        d.TotalHours >= 1 ? $"{(int)d.TotalHours}h {d.Minutes:00}m {d.Seconds:00}s" : d.TotalMinutes >= 1 ? $"{d.Minutes}m {d.Seconds:00}s" : $"{d.TotalSeconds:0.#}s";
}
