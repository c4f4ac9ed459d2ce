using CaptionBoundaries.Application.Charts;
using CaptionBoundaries.Application.Features.Experiments;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>
/// Runs side by side as a report. Main table (the CSV): one row per setting or result, one column per run, with a
/// "differs" column; values that read as numbers are numbers. Also every metric point of every run (long form) and a
/// chart per metric key with one line per run.
/// </summary>
public static class ComparisonReport
{
    public static Report Build(ExperimentComparison comparison, DateTime now)
    {
        var runs = comparison.Experiments;
        var columns = new List<string> { "key" };
        columns.AddRange(runs.Select(r => $"{r.Name} ({r.Id.ToString("N")[..8]})"));
        columns.Add("differs");
        var side = comparison.Rows.Select(row =>
        {
            var cells = new List<ReportCell> { ReportCell.Of(row.Key) };
            cells.AddRange(row.Values.Select(ReportCell.Parsed));
            cells.Add(ReportCell.Of(row.Differs ? "yes" : "no"));
            return (IReadOnlyList<ReportCell>)cells;
        }).ToList();
        var points = runs.SelectMany(r => r.Series.SelectMany(s => s.Points.Select(p => RunReport.Row(
            ReportCell.Of(r.Id.ToString("N")), ReportCell.Of(r.Name), ReportCell.Of(s.Key), ReportCell.Of(p.Step), ReportCell.Of(p.Value))))).ToList();

        var allNative = runs.All(r => r.Source == Infrastructure.Tracking.Experiment.NativeSource);
        var charts = comparison.MetricKeys.Select(key => (ReportChart)new ReportLineChart($"metric-{key}", key,
            !ComparedSeries.EpochKeys.Contains(key) ? "step" : allNative ? "epoch" : "epoch (native runs) / step (logged runs)", key, true,
            runs.Select(r => new ChartSeries(r.Name,
                r.Series.FirstOrDefault(s => s.Key == key)?.Points.Select(p => new LinePoint(p.Step, p.Value)).ToList() ?? [])).ToList())).ToList();

        var facts = runs.Select(r => new ReportFact(r.Id.ToString("N"), $"{r.Name} ({r.Source})")).ToList();
        return new Report("comparison", $"Comparison of {runs.Count} runs", now, facts,
            [new("comparison", "Settings and results", columns, side),
             new("metrics", "Metrics (every point of every run)", ["run_id", "run_name", "metric", "step", "value"], points)],
            charts)
        { FileStem = $"compare-{string.Join("-", runs.Select(r => r.Id.ToString("N")[..8]))}" };
    }
}
