namespace CaptionBoundaries.Domain.Sweeps;

public enum EarlyTerminateType
{
    Asha,
    Hyperband,
    Median,
}

/// <summary>
/// Early termination of a sweep's trials. Steps are the trials' reporting steps (epochs). For <c>median</c>,
/// <see cref="MinIter"/> is the grace period and <see cref="Eta"/> is unused.
/// </summary>
public sealed record EarlyTerminateSpec(EarlyTerminateType Type, int MinIter = 1, int MaxIter = 9, int Eta = 3);
