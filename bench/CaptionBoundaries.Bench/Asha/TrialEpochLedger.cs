using CaptionBoundaries.Domain.Sweeps;

namespace CaptionBoundaries.Bench.Asha;

/// <summary>One epoch of one trial, as it ran: the trial's number, the epoch within it, the metric it reported.</summary>
public sealed record TrialEpoch(int Trial, int Epoch, double Metric);

/// <summary>
/// Where a search stood when it first reached some value: <see cref="EpochsSpent"/> trial-epochs had been trained,
/// counting this one, and it was epoch <see cref="Epoch"/> of trial <see cref="Trial"/> that reported <see cref="Metric"/>.
/// </summary>
public sealed record TargetReached(int EpochsSpent, int Trial, int Epoch, double Metric);

/// <summary>
/// The cost account of a search: every trial-epoch in the order the search trained it, whatever trial it belonged to.
/// A trial-epoch is the unit of cost (one epoch of one trial); an early-stopped trial simply has fewer of them.
/// </summary>
public sealed class TrialEpochLedger(SweepMetric metric)
{
    private readonly List<TrialEpoch> _epochs = [];

    public SweepMetric Metric { get; } = metric ?? throw new ArgumentNullException(nameof(metric));

    public IReadOnlyList<TrialEpoch> Epochs => _epochs;

    public int TotalEpochs => _epochs.Count;

    public void Record(int trial, int epoch, double value) => _epochs.Add(new TrialEpoch(trial, epoch, value));

    /// <summary>The best value any trial-epoch reported, where it first appeared; null when nothing has run (or only NaN).</summary>
    public TargetReached? Best()
    {
        TargetReached? best = null;
        for (var i = 0; i < _epochs.Count; i++)
        {
            var e = _epochs[i];
            if (double.IsNaN(e.Metric)) continue;
            if (best is null || Metric.IsBetter(e.Metric, best.Metric)) best = new TargetReached(i + 1, e.Trial, e.Epoch, e.Metric);
        }
        return best;
    }

    /// <summary>
    /// The first trial-epoch at least as good as <paramref name="target"/> (≥ when maximising, ≤ when minimising), with
    /// the trial-epochs spent up to and including it; null when no trial-epoch got there.
    /// </summary>
    public TargetReached? FirstReaching(double target)
    {
        for (var i = 0; i < _epochs.Count; i++)
        {
            var e = _epochs[i];
            if (!double.IsNaN(e.Metric) && !Metric.IsBetter(target, e.Metric)) return new TargetReached(i + 1, e.Trial, e.Epoch, e.Metric);
        }
        return null;
    }

    /// <summary>One trial's reports, epoch by epoch.</summary>
    public IReadOnlyList<double> Curve(int trial) => _epochs.Where(e => e.Trial == trial).OrderBy(e => e.Epoch).Select(e => e.Metric).ToList();
}

/// <summary>
/// Random search against ASHA on the same trials. The target is the best value random search found in its whole
/// budget; each method is charged the trial-epochs it trained, in its own order, until it first reached that value.
/// ASHA may never reach it (it stopped the trial that would have): then it is charged its whole budget and
/// <see cref="AshaReachedTarget"/> says so, with its own best in <see cref="AshaBest"/>.
/// </summary>
public sealed record AshaComparison(
    double Target,
    TargetReached RandomReached,
    int RandomTotalEpochs,
    TargetReached? AshaReached,
    TargetReached? AshaBest,
    int AshaTotalEpochs)
{
    public bool AshaReachedTarget => AshaReached is not null;

    /// <summary>ASHA's trial-epochs to the target, or its total when it never reached it.</summary>
    public int AshaEpochs => AshaReached?.EpochsSpent ?? AshaTotalEpochs;

    /// <summary>ASHA's trial-epochs over random search's, to the same target (below 1: ASHA got there cheaper).</summary>
    public double Ratio => (double)AshaEpochs / RandomReached.EpochsSpent;

    /// <summary>Both ledgers compared; null when random search recorded no (non-NaN) value at all.</summary>
    public static AshaComparison? Of(TrialEpochLedger random, TrialEpochLedger asha)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(asha);
        var best = random.Best();
        if (best is null) return null;
        return new AshaComparison(best.Metric, random.FirstReaching(best.Metric)!, random.TotalEpochs,
            asha.FirstReaching(best.Metric), asha.Best(), asha.TotalEpochs);
    }
}
