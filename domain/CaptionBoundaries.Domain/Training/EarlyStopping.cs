using System.Globalization;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// Early stopping on validation macro-F1: an epoch improves when its F1 beats the best improving epoch's by more than
/// <see cref="MinDelta"/>; after <see cref="Patience"/> epochs in a row without one, the run stops (it completes, having
/// recorded every epoch it trained). Patience 0 never stops. Test-split results never reach it.
/// </summary>
public sealed class EarlyStopping(int patience, double minDelta)
{
    private double _reference = double.NegativeInfinity;
    private int _referenceEpoch;

    public int Patience { get; } = patience;
    public double MinDelta { get; } = minDelta;

    /// <summary>Epochs since the last improvement.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>Picks up a resumed run: its best F1 and the epoch it was reached, counted as the last improvement.</summary>
    public void Resume(double best, int bestEpoch, int lastEpoch)
    {
        if (double.IsNegativeInfinity(best) || bestEpoch < 1) return;
        _reference = best;
        _referenceEpoch = bestEpoch;
        EpochsWithoutImprovement = Math.Max(0, lastEpoch - bestEpoch);
    }

    /// <summary>Records an epoch's F1; true when the run must stop after it.</summary>
    public bool ShouldStop(int epoch, double valMacroF1)
    {
        if (valMacroF1 > _reference + MinDelta || double.IsNegativeInfinity(_reference))
        {
            _reference = valMacroF1;
            _referenceEpoch = epoch;
            EpochsWithoutImprovement = 0;
            return false;
        }
        EpochsWithoutImprovement++;
        return Patience > 0 && EpochsWithoutImprovement >= Patience;
    }

    /// <summary>Why the run stopped, for its record.</summary>
    public string Reason(int epoch) => string.Create(CultureInfo.InvariantCulture,
        $"stopped early after epoch {epoch}: val macro-F1 did not improve by more than {MinDelta:R} for {EpochsWithoutImprovement} epochs (best {_reference:F4} at epoch {_referenceEpoch})");
}
