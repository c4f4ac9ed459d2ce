using System.Globalization;
using CaptionBoundaries.Domain.Sweeps;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Application.Features.Sweeps;

/// <summary>
/// One sweep as a list shows it. <see cref="TrialsDone"/> counts trials that ended (completed, stopped early, failed or
/// cancelled); <see cref="PlannedTrials"/> is the grid's size (within the run cap) or the run cap, null when unknown.
/// </summary>
public sealed record SweepSummary(
    Guid Id,
    string Name,
    string Method,
    string MetricName,
    MetricGoal Goal,
    SweepPhase Phase,
    int TrialsDone,
    int TrialsLaunched,
    int? PlannedTrials,
    int? BestTrial,
    double? BestMetric)
{
    /// <summary>Trials may still change: the sweep runs or is paused with trials finishing, or a cancel is settling.</summary>
    public bool IsLive { get; init; }

    public bool CanPause => Phase == SweepPhase.Running;
    public bool CanResume => Phase == SweepPhase.Paused;
    public bool CanCancel => Phase is SweepPhase.Running or SweepPhase.Paused;
}

/// <summary>A swept parameter as the definition declares it: categories (as text, in the order written) or the range.</summary>
public sealed record SweepParameter(string Name, ParameterKind Kind, IReadOnlyList<string> Values, double Min, double Max);

/// <summary>A trial row: the sweep's <see cref="TrialInfo"/> with the name of the experiment it ran as, and whether it is the best.</summary>
public sealed record SweepTrial(TrialInfo Trial, string ExperimentName, bool IsBest);

/// <summary>Everything the sweep page shows: the summary, the parameters' declared shapes, every trial and the definition text.</summary>
public sealed record SweepDetail(SweepSummary Summary, IReadOnlyList<SweepParameter> Parameters, IReadOnlyList<SweepTrial> Trials, string Definition);

public static class SweepViews
{
    public static SweepSummary Summarize(SweepInfo info) => Summarize(info, TryParse(info.Definition));

    public static SweepDetail Detail(SweepInfo info)
    {
        var definition = TryParse(info.Definition);
        var parameters = definition?.Parameters.Select(p => new SweepParameter(p.Name, p.Kind, p.Values.Select(ParameterText.Format).ToList(), p.Min, p.Max)).ToList()
            // A sweep without its text (none stored): every parameter its trials used, as categories.
            ?? info.Trials.SelectMany(t => t.Parameters.Keys).Distinct()
                .Select(name => new SweepParameter(name, ParameterKind.Categorical,
                    info.Trials.Select(t => t.Parameters.GetValueOrDefault(name)).OfType<string>().Distinct().ToList(), 0, 0))
                .ToList();
        var trials = info.Trials
            .Select(t => new SweepTrial(t, TrialSpecMapping.TrialName(info.Name, t.Number), t.Number == info.BestTrial))
            .ToList();
        return new SweepDetail(Summarize(info, definition), parameters, trials, info.Definition);
    }

    /// <summary>How many trials the sweep will run when it is not cut short: the grid's size within the run cap, else the cap.</summary>
    public static int? PlannedTrials(SweepDefinition definition)
    {
        if (definition.Method != SweepMethod.Grid) return definition.RunCap;
        var size = definition.Parameters.Aggregate(1L, (n, p) => n * Math.Max(1, p.Values.Count));
        var planned = definition.RunCap is { } cap ? Math.Min(size, cap) : size;
        return (int)Math.Min(planned, int.MaxValue);
    }

    private static SweepSummary Summarize(SweepInfo info, SweepDefinition? definition)
    {
        var best = info.BestTrial is { } number ? info.Trials.FirstOrDefault(t => t.Number == number) : null;
        var inFlight = info.Trials.Any(t => t.Status is TrialStatus.Queued or TrialStatus.Running);
        return new SweepSummary(
            info.Id, info.Name, info.Method, info.MetricName,
            string.Equals(info.MetricGoal, "minimize", StringComparison.OrdinalIgnoreCase) ? MetricGoal.Minimize : MetricGoal.Maximize,
            info.Phase,
            info.Trials.Count(t => t.Status is not (TrialStatus.Queued or TrialStatus.Running)),
            info.Trials.Count,
            definition is null ? info.RunCap : PlannedTrials(definition),
            best?.Number,
            best?.Metric)
        {
            IsLive = info.Phase is SweepPhase.Running or SweepPhase.Paused || inFlight,
        };
    }

    private static SweepDefinition? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return SweepDefinitionParser.Parse(text);
        }
        catch (SweepDefinitionException)
        {
            return null;
        }
    }

    /// <summary>A metric or parameter value for display: up to 4 decimals, scientific for very small or large numbers.</summary>
    public static string FormatNumber(double value) =>
        value != 0 && Math.Abs(value) is < 1e-3 or >= 1e5
            ? value.ToString("0.##e0", CultureInfo.InvariantCulture)
            : value.ToString("0.####", CultureInfo.InvariantCulture);
}
