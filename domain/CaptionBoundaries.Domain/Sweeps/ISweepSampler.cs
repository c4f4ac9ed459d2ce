namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Chooses the parameters of a sweep's next trial. Values are long (int_uniform and integer categories), double or
/// the category as written. Samplers are seeded and stateful (one instance per sweep); not thread-safe.
/// </summary>
public interface ISweepSampler
{
    /// <summary>The next parameter set given the trials observed so far, or null when the sampler has nothing left (grid).</summary>
    IReadOnlyDictionary<string, object>? Next(IReadOnlyList<TrialObservation> observations);
}
