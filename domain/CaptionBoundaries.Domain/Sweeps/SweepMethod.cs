namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>How a sweep chooses its next parameter set: <c>grid</c>, <c>random</c> or <c>bayes</c> (TPE).</summary>
public enum SweepMethod
{
    Grid,
    Random,
    Bayes,
}
