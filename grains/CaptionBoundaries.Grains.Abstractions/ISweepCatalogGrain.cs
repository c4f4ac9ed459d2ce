namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>
/// Every sweep started on the cluster, and those still running or paused (a single grain, key 0): a restarted silo
/// wakes the unfinished ones, the console lists them all.
/// </summary>
public interface ISweepCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Records a started sweep, as known and unfinished.</summary>
    Task Add(Guid sweepId);

    /// <summary>The sweep finished (completed or cancelled); it stays known.</summary>
    Task Remove(Guid sweepId);

    Task<IReadOnlyList<Guid>> Unfinished();

    /// <summary>Every sweep ever started, oldest first.</summary>
    Task<IReadOnlyList<Guid>> All();
}
