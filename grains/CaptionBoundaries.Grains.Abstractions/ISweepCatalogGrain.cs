namespace CaptionBoundaries.Grains;

/// <summary>The sweeps still running or paused (a single grain, key 0), so a restarted silo can wake them.</summary>
public interface ISweepCatalogGrain : IGrainWithIntegerKey
{
    Task Add(Guid sweepId);

    Task Remove(Guid sweepId);

    Task<IReadOnlyList<Guid>> Unfinished();
}
