namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>One move of an alias (production, staging, ...); kept so "who pointed staging where" has an answer.</summary>
[GenerateSerializer, Immutable]
public sealed record AliasChange(
    [property: Id(0)] string Alias,
    [property: Id(1)] int Version,
    [property: Id(2)] int? PreviousVersion,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTime AtUtc);
