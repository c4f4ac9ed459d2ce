namespace CaptionBoundaries.Domain.Serving;

/// <summary>What one version of a model did on this node since it started (the serving side records it; see docs/traffic-split.md).</summary>
public sealed record VersionServingFigures(
    int Version,
    long Requests,
    long Samples,
    IReadOnlyDictionary<string, long> RequestsByRoute,
    IReadOnlyDictionary<string, long> FailuresByReason,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    double? LatencyP99Ms,
    IReadOnlyDictionary<string, long> ClassMix,
    long ShadowCompared,
    long ShadowDisagreed,
    long ShadowDropped,
    long ShadowFailures)
{
    public long Failures => FailuresByReason.Values.Sum();

    public double? ShadowDisagreementRate => ShadowCompared > 0 ? (double)ShadowDisagreed / ShadowCompared : null;
}

/// <summary>
/// This node's serving figures per model and version. Implemented next to the predictors (the grains' serving
/// recorder), so the use cases read them without knowing how they are counted.
/// </summary>
public interface IServingFigures
{
    /// <summary>The node whose requests these are (figures are per node).</summary>
    string Node { get; }

    IReadOnlyList<VersionServingFigures> Of(string model);

    /// <summary>Failures of requests that never reached a version (no active version, unknown version), by reason.</summary>
    IReadOnlyDictionary<string, long> FailuresWithoutVersion(string model);
}
