namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>A finished (or stopped) trial as a sampler sees it: the parameters it ran with and its final metric.</summary>
public sealed record TrialObservation(IReadOnlyDictionary<string, object> Parameters, double Metric);
