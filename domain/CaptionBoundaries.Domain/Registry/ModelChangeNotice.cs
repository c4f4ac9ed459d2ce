namespace CaptionBoundaries.Domain.Registry;

/// <summary>A change to a served model, as observers and webhooks receive it.</summary>
public sealed record ModelChangeNotice(
    string Model,
    string Kind,
    int Version,
    int? PreviousVersion,
    string? Alias,
    string Actor,
    string Reason,
    DateTime AtUtc,
    int? SharePercent = null,
    int? PreviousSharePercent = null)
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
