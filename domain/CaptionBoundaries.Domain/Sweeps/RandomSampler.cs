namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Independent draws from each parameter's distribution: uniform, log-uniform (uniform in log space), integers with
/// both bounds included, categories equally likely. The same seed gives the same sequence (System.Random with a seed
/// is a fixed algorithm, not the per-process randomised one).
/// </summary>
public sealed class RandomSampler(IReadOnlyList<ParameterSpec> parameters, int seed) : ISweepSampler
{
    private readonly Random _random = new(seed);

    public IReadOnlyDictionary<string, object>? Next(IReadOnlyList<TrialObservation> observations) =>
        parameters.ToDictionary(p => p.Name, p => ParameterDraw.FromPrior(p, _random));
}
