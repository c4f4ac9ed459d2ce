namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>
/// The version a model serves right now, and the split (canary or shadow candidate) it runs next to it, if any: one
/// answer, so a request sees the production version and the split of the same moment. <see cref="Activation"/> counts
/// activations of the model and only grows, so a predictor that sees two answers out of order can tell which one is
/// newer (rollbacks reuse version numbers); <see cref="SplitRevision"/> counts split changes (start, share, promote,
/// abort) and only grows too, ordering answers with the same activation.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ActiveModelVersion(
    [property: Id(0)] string Model,
    [property: Id(1)] ModelVersionInfo Version,
    [property: Id(2)] long Activation,
    [property: Id(3)] SplitRoute? Split = null,
    [property: Id(4)] long SplitRevision = 0)
{
    /// <summary>Whether this answer describes a later state of the model than the one with that activation and split revision.</summary>
    public bool IsNewerThan(long activation, long splitRevision) =>
        Activation > activation || (Activation == activation && SplitRevision > splitRevision);
}
