using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Grains.Models;

/// <summary>
/// Persisted state of a model grain. Concrete collections so any storage serializer (Orleans or JSON) can
/// rebuild it; the grain never mutates a stored instance, it writes a new record with `with`.
/// </summary>
[GenerateSerializer]
public sealed record ModelState
{
    [Id(0)] public List<ModelVersionInfo> Versions { get; init; } = [];

    [Id(1)] public int? ActiveVersion { get; init; }

    [Id(2)] public List<ModelActivation> Activations { get; init; } = [];

    /// <summary>Versions served before the current one, most recent last: a switch pushes, a rollback pops.</summary>
    [Id(3)] public List<int> RollbackStack { get; init; } = [];

    [Id(4)] public Dictionary<string, int> Aliases { get; init; } = [];

    [Id(5)] public List<AliasChange> AliasHistory { get; init; } = [];

    [Id(6)] public int NextVersion { get; init; } = 1;

    /// <summary>Retired versions: never served or aliased again.</summary>
    [Id(7)] public List<int> Archived { get; init; } = [];

    /// <summary>The canary or shadow candidate running next to the active version; null when none. New in issue 16 (stored states without it load as null).</summary>
    [Id(8)] public TrafficSplit? Split { get; init; }

    /// <summary>Counts split changes (start, share, promote, abort, a split ended by a switch); only grows, so predictors can order answers.</summary>
    [Id(9)] public long SplitRevision { get; init; }

    public ModelVersionInfo? Find(int version) => Versions.FirstOrDefault(v => v.Version == version);
}
