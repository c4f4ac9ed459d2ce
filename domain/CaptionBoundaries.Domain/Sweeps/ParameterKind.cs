namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>The distribution of one swept parameter.</summary>
public enum ParameterKind
{
    /// <summary><c>value: x</c>: the same value in every trial.</summary>
    Fixed,

    /// <summary><c>values: [...]</c> (or <c>distribution: categorical</c>): one of the listed values, all equally likely.</summary>
    Categorical,

    /// <summary><c>distribution: uniform</c>: a real in [min, max].</summary>
    Uniform,

    /// <summary><c>distribution: log_uniform</c>: a real in [min, max] whose logarithm is uniform; min &gt; 0.</summary>
    LogUniform,

    /// <summary><c>distribution: int_uniform</c>: an integer in [min, max], both included.</summary>
    IntUniform,
}
