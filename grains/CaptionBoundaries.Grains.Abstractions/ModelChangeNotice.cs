namespace CaptionBoundaries.Grains;

/// <summary>A change to a served model, as observers and webhooks receive it.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelChangeNotice(
    [property: Id(0)] string Model,
    [property: Id(1)] string Kind,
    [property: Id(2)] int Version,
    [property: Id(3)] int? PreviousVersion,
    [property: Id(4)] string? Alias,
    [property: Id(5)] string Actor,
    [property: Id(6)] string Reason,
    [property: Id(7)] DateTime AtUtc)
{
    public const string Register = "register";
    public const string Switch = "switch";
    public const string Rollback = "rollback";
    public const string AliasMoved = "alias";
    public const string Promote = "promote";
    public const string Archive = "archive";
}

/// <summary>Live registry changes for the console (alias moves, switches, registrations, archives).</summary>
public interface IModelObserver : IGrainObserver
{
    void OnChanged(ModelChangeNotice notice);
}
