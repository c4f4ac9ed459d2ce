using CaptionBoundaries.Application.Charts;
using CaptionBoundaries.Application.Features.Architectures;

namespace CaptionBoundaries.Application.Features.Reports;

/// <summary>
/// Architectures compared by their runs' best validation macro-F1. Main table (the CSV): one row per architecture with
/// its run counts, mean, standard deviation and best F1, the best run and its trainable parameters; a bar chart of the
/// means with ±1 standard deviation and the best run marked.
/// </summary>
public static class ArchitecturesReport
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "architecture", "installed", "runs", "completed_runs", "mean_best_val_macro_f1", "std_best_val_macro_f1",
        "best_val_macro_f1", "best_run_id", "best_run_name", "trainable_parameters_min", "trainable_parameters_max",
    ];

    public static Report Build(IReadOnlyList<ArchitectureResult> results, DateTime now)
    {
        var rows = results.Select(r => RunReport.Row(
            ReportCell.Of(r.Architecture), ReportCell.Of(r.Installed ? "yes" : "no"), ReportCell.Of(r.Runs), ReportCell.Of(r.CompletedRuns),
            ReportCell.Of(r.MeanBestValMacroF1), ReportCell.Of(r.StdBestValMacroF1), ReportCell.Of(r.BestValMacroF1),
            ReportCell.Of(r.BestRunId?.ToString("N")), ReportCell.Of(r.BestRunName),
            ReportCell.Of(r.TrainableParametersMin), ReportCell.Of(r.TrainableParametersMax))).ToList();
        var facts = new List<ReportFact>
        {
            new("architectures", results.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("completed runs", results.Sum(r => r.CompletedRuns).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        return new Report("architectures", "Architectures by best validation macro-F1", now, facts,
            [new("architectures", "Architectures", Columns, rows)],
            [new ReportBarChart("architectures-f1", "Mean best val macro-F1 (±1 sd; ◆ best run)", "best val macro-F1", Bars(results))])
        { FileStem = "architectures" };
    }

    /// <summary>A bar per architecture with completed runs: the mean, ±1 sd whiskers and the best run as a marker.</summary>
    public static IReadOnlyList<BarDatum> Bars(IReadOnlyList<ArchitectureResult> results) =>
        results.Where(r => r.CompletedRuns > 0)
            .Select(r => new BarDatum(r.Architecture, r.MeanBestValMacroF1, r.StdBestValMacroF1, r.BestValMacroF1)).ToList();
}
