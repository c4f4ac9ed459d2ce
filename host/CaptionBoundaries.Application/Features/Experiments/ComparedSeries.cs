using System.Globalization;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>
/// A run's metrics as series by key, so a native run and one logged through MLflow can be drawn on the same chart:
/// the native run's epochs become train_loss, val_loss, val_accuracy and val_macro_f1 with step = epoch.
/// </summary>
public static class ComparedSeries
{
    public static readonly IReadOnlyList<string> EpochKeys = ["train_loss", "val_loss", "val_accuracy", "val_macro_f1"];

    /// <summary>The suffix of a logged series whose key an epoch metric already uses (a native run's per-step train_loss).</summary>
    public const string PerStepSuffix = "@step";

    public static IReadOnlyList<MetricSeriesDetail> Of(Experiment run, IReadOnlyList<MetricSeriesDetail> logged) =>
        Build(run.Epochs.OrderBy(m => m.Epoch).Select(m => new EpochValues(m.Epoch, m.TrainLoss, m.ValLoss, m.ValAccuracy, m.ValMacroF1,
            UnixMs.Of(m.RecordedAtUtc))).ToList(), logged);

    /// <summary>The same from a run's detail (its epochs already on the run's timeline, stages included).</summary>
    public static IReadOnlyList<MetricSeriesDetail> Of(ExperimentDetail run) =>
        Build(run.Epochs.OrderBy(m => m.Epoch).Select(m => new EpochValues(m.Epoch, m.TrainLoss, m.ValLoss, m.ValAccuracy, m.ValMacroF1, 0)).ToList(),
            run.MetricSeries);

    private sealed record EpochValues(int Epoch, double TrainLoss, double ValLoss, double ValAccuracy, double ValMacroF1, long TimestampMs);

    private static IReadOnlyList<MetricSeriesDetail> Build(IReadOnlyList<EpochValues> epochs, IReadOnlyList<MetricSeriesDetail> logged)
    {
        var series = new List<MetricSeriesDetail>();
        if (epochs.Count > 0)
        {
            MetricSeriesDetail Epochwise(string key, Func<EpochValues, double> value) =>
                new(key, epochs.Select(m => new MetricPoint(m.Epoch, value(m), m.TimestampMs)).ToList(), epochs.Count);
            series.Add(Epochwise("train_loss", m => m.TrainLoss));
            series.Add(Epochwise("val_loss", m => m.ValLoss));
            series.Add(Epochwise("val_accuracy", m => m.ValAccuracy));
            series.Add(Epochwise("val_macro_f1", m => m.ValMacroF1));
        }
        foreach (var s in logged)
            series.Add(series.Any(e => e.Key == s.Key) ? s with { Key = s.Key + PerStepSuffix } : s);
        return series;
    }

    /// <summary>Every key of any of the runs: the epoch metrics first, then the others in order.</summary>
    public static IReadOnlyList<string> Keys(IEnumerable<IReadOnlyList<MetricSeriesDetail>> runs)
    {
        var all = runs.SelectMany(r => r.Select(s => s.Key)).Distinct().ToList();
        return EpochKeys.Where(all.Contains).Concat(all.Where(k => !EpochKeys.Contains(k)).OrderBy(k => k, StringComparer.Ordinal)).ToList();
    }

    public static string Format(double value) => double.IsNaN(value) ? "NaN" : value.ToString("G6", CultureInfo.InvariantCulture);
}
