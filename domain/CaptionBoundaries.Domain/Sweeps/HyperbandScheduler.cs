namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Hyperband as brackets of ASHA (the asynchronous variant of Li et al.): bracket s (0 ≤ s ≤ ⌊log_eta(max/min)⌋ − 1)
/// is an <see cref="AshaScheduler"/> whose first rung is min_iter·eta^s, so later brackets give trials longer before
/// the first cut. Simplifications, stated because they differ from the paper's synchronous Hyperband: trials are
/// dealt to brackets round-robin in the order of their first report instead of each bracket getting its own
/// budget-derived number of configurations, and brackets never wait for each other. A bracket whose first rung would
/// reach max_iter never stops anything, so it is left out.
/// </summary>
public sealed class HyperbandScheduler : ITrialScheduler
{
    private readonly AshaScheduler[] _brackets;
    private readonly Dictionary<string, int> _bracketOf = [];

    public HyperbandScheduler(SweepMetric metric, int minIter, int maxIter, int eta)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentOutOfRangeException.ThrowIfLessThan(minIter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(eta, 2);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxIter, minIter);
        var brackets = new List<AshaScheduler>();
        for (long first = minIter; first < maxIter; first *= eta)
            brackets.Add(new AshaScheduler(metric, (int)first, maxIter, eta));
        _brackets = [.. brackets];
    }

    public int BracketCount => _brackets.Length;

    /// <summary>The bracket a trial was dealt, once it has reported.</summary>
    public int? BracketOf(string trialId) => _bracketOf.TryGetValue(trialId, out var b) ? b : null;

    public TrialDecision Report(string trialId, int step, double metric)
    {
        ArgumentNullException.ThrowIfNull(trialId);
        if (!_bracketOf.TryGetValue(trialId, out var bracket))
        {
            bracket = _bracketOf.Count % _brackets.Length;
            _bracketOf[trialId] = bracket;
        }
        return _brackets[bracket].Report(trialId, step, metric);
    }
}
