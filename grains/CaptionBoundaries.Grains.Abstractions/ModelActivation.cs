namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>One change of the served version: what was served before, what is served now, why and how.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelActivation(
    [property: Id(0)] int Version,
    [property: Id(1)] int? PreviousVersion,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTime AtUtc)
{
    public const string SwitchKind = "switch";
    public const string RollbackKind = "rollback";
    public const string AliasKind = "alias";
}
