using System.Globalization;

namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Asynchronous successive halving (Li et al., 2020). Rungs sit at steps min_iter·eta^k below max_iter (1, 3 for
/// 1/9/3; a trial reaching max_iter has finished anyway). The first report of a trial at or past a rung is recorded
/// there and judged against every trial recorded at that rung so far, itself included: it continues only if it ranks
/// within the best max(1, ⌊n/eta⌋) of those n, i.e. it is at least as good as the cutoff, the value at that rank.
/// Judging on arrival is what makes it asynchronous: early trials face small rungs and mostly continue, later ones
/// must beat a growing field. Ties with the cutoff continue.
/// </summary>
public sealed class AshaScheduler : ITrialScheduler
{
    private readonly SweepMetric _metric;
    private readonly int _eta;
    private readonly int[] _rungs;
    private readonly List<double>[] _recorded;
    private readonly Dictionary<string, int> _nextRung = [];
    private readonly Dictionary<string, string> _stopped = [];

    public AshaScheduler(SweepMetric metric, int minIter, int maxIter, int eta)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentOutOfRangeException.ThrowIfLessThan(minIter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(eta, 2);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxIter, minIter);
        _metric = metric;
        _eta = eta;
        var rungs = new List<int>();
        for (long r = minIter; r < maxIter; r *= eta) rungs.Add((int)r);
        _rungs = [.. rungs];
        _recorded = _rungs.Select(_ => new List<double>()).ToArray();
    }

    /// <summary>The steps at which trials are judged.</summary>
    public IReadOnlyList<int> Rungs => _rungs;

    public TrialDecision Report(string trialId, int step, double metric)
    {
        ArgumentNullException.ThrowIfNull(trialId);
        if (_stopped.TryGetValue(trialId, out var earlier)) return TrialDecision.Stop(earlier);

        var rung = _nextRung.GetValueOrDefault(trialId);
        if (rung >= _rungs.Length || step < _rungs[rung]) return TrialDecision.Continue;

        // A trial that skipped rungs (reporting every few steps) is judged at the highest rung it has passed.
        while (rung + 1 < _rungs.Length && step >= _rungs[rung + 1]) rung++;
        _nextRung[trialId] = rung + 1;

        var field = _recorded[rung];
        field.Add(metric);
        var keep = Math.Max(1, field.Count / _eta);
        var cutoff = field.OrderBy(_metric.AsLoss).ElementAt(keep - 1);
        if (!_metric.IsBetter(cutoff, metric)) return TrialDecision.Continue;

        var reason = string.Create(CultureInfo.InvariantCulture,
            $"ASHA rung {_rungs[rung]}: {metric:0.####} not in top 1/{_eta} of {field.Count} (cutoff {cutoff:0.####})");
        _stopped[trialId] = reason;
        return TrialDecision.Stop(reason);
    }
}
