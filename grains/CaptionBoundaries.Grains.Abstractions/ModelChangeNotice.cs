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
    [property: Id(7)] DateTime AtUtc,
    [property: Id(8)] int? SharePercent = null,
    [property: Id(9)] int? PreviousSharePercent = null)
{
    public const string Register = "register";
    public const string Switch = "switch";
    public const string Rollback = "rollback";
    public const string AliasMoved = "alias";
    public const string Promote = "promote";
    public const string Archive = "archive";

    // Traffic-split steps are "<mode>_<step>" (canary_start, canary_share, canary_promote, canary_abort, shadow_start, ...):
    // Version is the candidate, PreviousVersion production at that moment, SharePercent a canary's share.
    public const string SplitStart = "start";
    public const string SplitShare = "share";
    public const string SplitPromote = "promote";
    public const string SplitAbort = "abort";

    public static string SplitKind(string mode, string step) => $"{mode}_{step}";

    public static bool IsSplitKind(string kind) =>
        kind.StartsWith(TrafficSplitModes.Canary + "_", StringComparison.Ordinal) || kind.StartsWith(TrafficSplitModes.Shadow + "_", StringComparison.Ordinal);
}

/// <summary>Live registry changes for the console (alias moves, switches, registrations, archives, traffic splits).</summary>
public interface IModelObserver : IGrainObserver
{
    void OnChanged(ModelChangeNotice notice);
}
