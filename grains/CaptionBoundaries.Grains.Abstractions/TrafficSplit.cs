using CaptionBoundaries.Domain.Registry;

namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>
/// A split a model runs next to its production version: which candidate, how (canary or shadow), and for a canary the
/// share of requests (1–99 %) it answers. Who started it and why are kept so the console can say so.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrafficSplit(
    [property: Id(0)] string Mode,
    [property: Id(1)] int CandidateVersion,
    [property: Id(2)] int? SharePercent,
    [property: Id(3)] string StartedBy,
    [property: Id(4)] string Reason,
    [property: Id(5)] DateTime StartedAtUtc,
    [property: Id(6)] DateTime ChangedAtUtc)
{
    public const int MinSharePercent = 1;
    public const int MaxSharePercent = 99;

    public bool IsCanary => Mode == TrafficSplitModes.Canary;

    public bool IsShadow => Mode == TrafficSplitModes.Shadow;
}

/// <summary>The split as predictors need it on every request: the candidate's checkpoint and the canary's share.</summary>
[GenerateSerializer, Immutable]
public sealed record SplitRoute(
    [property: Id(0)] string Mode,
    [property: Id(1)] ModelVersionInfo Candidate,
    [property: Id(2)] int SharePercent);

/// <summary>Why a split request was not carried out, so the edge can answer 400 (naming the field), 404 or 409.</summary>
public enum SplitRefusal
{
    None = 0,

    /// <summary>The request itself is wrong (mode, share, a candidate that is archived or already production).</summary>
    Invalid = 1,

    /// <summary>The named version does not exist.</summary>
    NotFound = 2,

    /// <summary>The request is fine but the model's state does not allow it now (no split running, one already running, validation failed).</summary>
    Conflict = 3,
}

/// <summary>
/// The outcome of a split request. A refusal changes nothing: production and any running split go on as before.
/// <see cref="Field"/> names the request field at fault for <see cref="SplitRefusal.Invalid"/> and <see cref="SplitRefusal.NotFound"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SplitResult(
    [property: Id(0)] bool Changed,
    [property: Id(1)] int? ActiveVersion,
    [property: Id(2)] TrafficSplit? Split,
    [property: Id(3)] string Reason,
    [property: Id(4)] SplitRefusal Refusal = SplitRefusal.None,
    [property: Id(5)] string? Field = null)
{
    public bool Refused => Refusal != SplitRefusal.None;
}
