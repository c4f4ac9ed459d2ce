namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>What an early-termination scheduler says after a trial reports: go on, or stop for the stated reason.</summary>
public sealed record TrialDecision(bool ShouldStop, string? Reason)
{
    public static TrialDecision Continue { get; } = new(false, null);

    public static TrialDecision Stop(string reason) => new(true, reason);
}
