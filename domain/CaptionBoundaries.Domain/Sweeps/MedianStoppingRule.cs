using System.Globalization;

namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// The median stopping rule (Golovin et al., Google Vizier): at step t, after a grace period, a trial stops when its
/// best metric so far is worse than the median of the other trials' running averages at t. A trial's running average
/// at t is the mean of its reports at steps ≤ t, and only trials that have reported at step t or later take part,
/// so a curve is never compared with trials that have not got that far. Fewer than
/// <paramref name="minOtherTrials"/> such trials means no decision yet.
/// </summary>
public sealed class MedianStoppingRule(SweepMetric metric, int gracePeriod = 1, int minOtherTrials = 1) : ITrialScheduler
{
    private readonly Dictionary<string, SortedList<int, double>> _curves = [];
    private readonly Dictionary<string, string> _stopped = [];

    public TrialDecision Report(string trialId, int step, double value)
    {
        ArgumentNullException.ThrowIfNull(trialId);
        if (_stopped.TryGetValue(trialId, out var earlier)) return TrialDecision.Stop(earlier);
        if (!_curves.TryGetValue(trialId, out var curve)) _curves[trialId] = curve = [];
        curve[step] = value;
        if (step < gracePeriod) return TrialDecision.Continue;

        var averages = _curves
            .Where(c => c.Key != trialId && c.Value.Keys[^1] >= step)
            .Select(c => c.Value.Where(p => p.Key <= step).Select(p => p.Value).DefaultIfEmpty(double.NaN).Average())
            .Where(double.IsFinite)
            .Order()
            .ToList();
        if (averages.Count < Math.Max(1, minOtherTrials)) return TrialDecision.Continue;

        var median = averages.Count % 2 == 1
            ? averages[averages.Count / 2]
            : (averages[averages.Count / 2 - 1] + averages[averages.Count / 2]) / 2;
        var best = curve.Values.Aggregate((a, b) => metric.IsBetter(b, a) ? b : a);
        if (!metric.IsBetter(median, best)) return TrialDecision.Continue;

        var reason = string.Create(CultureInfo.InvariantCulture,
            $"Median rule at step {step}: best {best:0.####} worse than the median running average {median:0.####} of {averages.Count} other trials");
        _stopped[trialId] = reason;
        return TrialDecision.Stop(reason);
    }
}
