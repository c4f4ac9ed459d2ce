namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>Draws one value of a parameter from its prior distribution (the random sampler, and TPE's start-up trials).</summary>
internal static class ParameterDraw
{
    public static object FromPrior(ParameterSpec p, Random random) => p.Kind switch
    {
        ParameterKind.Fixed => p.Values[0],
        ParameterKind.Categorical => p.Values[random.Next(p.Values.Count)],
        ParameterKind.Uniform => p.Min + random.NextDouble() * (p.Max - p.Min),
        ParameterKind.LogUniform => Math.Exp(Math.Log(p.Min) + random.NextDouble() * (Math.Log(p.Max) - Math.Log(p.Min))),
        // Both ends included: an int_uniform of 4..32 can give 32.
        ParameterKind.IntUniform => (long)p.Min + random.NextInt64((long)p.Max - (long)p.Min + 1),
        _ => throw new ArgumentOutOfRangeException(nameof(p), p.Kind, "Unknown parameter kind."),
    };
}
