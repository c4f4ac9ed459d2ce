namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// How big a sweep definition or training plan may be. A real one is a few hundred characters, a few levels deep and
/// a few dozen values; these limits are two orders of magnitude above that and far below what would hurt a node.
/// </summary>
public static class DefinitionLimits
{
    public const int MaxChars = 64 * 1024;
    public const int MaxDepth = 16;
    public const int MaxNodes = 20_000;

    /// <summary>A grid this large never finishes on any cluster; a random or bayes sweep with a run_cap samples it instead.</summary>
    public const long MaxGridCombinations = 1_000_000;
}
