namespace CaptionBoundaries.Grains;

/// <summary>
/// The version a model serves right now. <see cref="Activation"/> counts activations of the model and only grows,
/// so a predictor that sees two answers out of order can tell which one is newer (rollbacks reuse version numbers).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ActiveModelVersion(
    [property: Id(0)] string Model,
    [property: Id(1)] ModelVersionInfo Version,
    [property: Id(2)] long Activation);
