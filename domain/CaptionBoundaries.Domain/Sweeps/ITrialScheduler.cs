namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Early termination for a sweep's trials: each trial reports its metric after each step (epoch), in any order
/// relative to the others, and is told whether to go on. A trial once stopped stays stopped. Not thread-safe: the
/// caller serialises reports (a sweep grain does by nature).
/// </summary>
public interface ITrialScheduler
{
    TrialDecision Report(string trialId, int step, double metric);
}
