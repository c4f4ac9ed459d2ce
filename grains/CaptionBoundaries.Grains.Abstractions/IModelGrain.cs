using Orleans.Concurrency;

namespace CaptionBoundaries.Grains.Abstractions;

[GenerateSerializer, Immutable]
public sealed record ModelVersionInfo(
    [property: Id(0)] int Version,
    [property: Id(1)] string CheckpointPath,
    [property: Id(2)] string Sha256,
    [property: Id(3)] string ArchitectureName,
    [property: Id(4)] Guid? ExperimentId,
    [property: Id(5)] double? ValMacroF1,
    [property: Id(6)] DateTime RegisteredAtUtc);

[GenerateSerializer, Immutable]
public sealed record ModelInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<ModelVersionInfo> Versions,
    [property: Id(2)] int? ActiveVersion,
    [property: Id(3)] IReadOnlyDictionary<string, int> Aliases,
    [property: Id(4)] IReadOnlyList<int> ActiveHistory,
    [property: Id(5)] IReadOnlyList<ModelActivation>? Activations = null,
    [property: Id(6)] IReadOnlyList<AliasChange>? AliasHistory = null,
    [property: Id(7)] IReadOnlyList<int>? ArchivedVersions = null,
    [property: Id(8)] TrafficSplit? Split = null);

/// <summary>The outcome of a switch or rollback: refused switches keep the old version serving and say why.</summary>
[GenerateSerializer, Immutable]
public sealed record SwitchResult(
    [property: Id(0)] bool Switched,
    [property: Id(1)] int? ActiveVersion,
    [property: Id(2)] int? PreviousVersion,
    [property: Id(3)] string? Reason,
    [property: Id(4)] bool Refused = false);

/// <summary>A served model (key: its name): registered versions, the active one, aliases.</summary>
public interface IModelGrain : IGrainWithStringKey
{
    /// <summary>
    /// Copies the checkpoint into the registry's content-addressed store and records it as the next version.
    /// <paramref name="source"/> is "experiment" or "upload"; <paramref name="actor"/> is who asked.
    /// </summary>
    Task<ModelVersionInfo> RegisterVersion(string checkpointPath, string source = ModelVersionSources.Upload, string actor = "unknown");

    Task<ModelInfo> GetInfo();

    /// <summary>
    /// What predictors serve, with the running split (canary or shadow candidate) in the same answer; null when no
    /// version is active. Interleaves with a running switch, promote or abort, which keeps answering the old state until
    /// the change has been validated and recorded.
    /// </summary>
    [AlwaysInterleave]
    Task<ActiveModelVersion?> GetActiveVersion();

    /// <summary>A registered, not archived version (a request may name the version it wants answered by); else null.</summary>
    [AlwaysInterleave]
    Task<ModelVersionInfo?> GetServableVersion(int version);

    /// <summary>Validates the version (architecture registered, checksum, input/output contract) before serving it.</summary>
    Task<SwitchResult> Switch(int version, string reason, string actor = "unknown");

    /// <summary>Back to the version that was active before the current one.</summary>
    Task<SwitchResult> Rollback(string reason, string actor = "unknown");

    /// <summary>Points an alias (production, staging) at a version; moving production switches what is served.</summary>
    Task<SwitchResult> SetAlias(string alias, int version, string reason, string actor = "unknown");

    /// <summary>Like SetAlias, but refuses to move an alias that already points at another version unless <paramref name="move"/>.</summary>
    Task<SwitchResult> AssignAlias(string alias, int version, string reason, string actor, bool move);

    /// <summary>Serves what <paramref name="fromAlias"/> (staging) points at and moves <paramref name="toAlias"/> (production) there.</summary>
    Task<SwitchResult> Promote(string fromAlias, string toAlias, string reason, string actor = "unknown");

    /// <summary>Retires a version: it can no longer be served or aliased. The active or an aliased version is refused.</summary>
    Task<SwitchResult> Archive(int version, string reason, string actor = "unknown");

    /// <summary>
    /// Starts a split next to production (the candidate is validated like a switch first), or changes the share of the
    /// running canary of the same candidate. <paramref name="sharePercent"/> is 1–99 for a canary and absent for a shadow.
    /// Refused (nothing changed) while another split runs.
    /// </summary>
    Task<SplitResult> SetSplit(string mode, int version, int? sharePercent, string reason, string actor);

    /// <summary>The candidate becomes the production version through the validated switch, and the split ends.</summary>
    Task<SplitResult> PromoteSplit(string reason, string actor);

    /// <summary>The split ends; production is unchanged.</summary>
    Task<SplitResult> AbortSplit(string reason, string actor);

    Task Subscribe(IModelObserver observer);

    Task Unsubscribe(IModelObserver observer);
}
