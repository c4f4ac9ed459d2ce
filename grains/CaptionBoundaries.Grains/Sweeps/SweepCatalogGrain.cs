namespace CaptionBoundaries.Grains.Sweeps;

[GenerateSerializer]
public sealed record SweepCatalogState
{
    [Id(0)] public List<Guid> Unfinished { get; set; } = [];
}

public sealed class SweepCatalogGrain(
    [PersistentState("sweeps", GrainStorageNames.Default)] IPersistentState<SweepCatalogState> state) : Grain, ISweepCatalogGrain
{
    public async Task Add(Guid sweepId)
    {
        if (state.State.Unfinished.Contains(sweepId)) return;
        state.State.Unfinished.Add(sweepId);
        await state.WriteStateAsync();
    }

    public async Task Remove(Guid sweepId)
    {
        if (state.State.Unfinished.Remove(sweepId)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<Guid>> Unfinished() => Task.FromResult<IReadOnlyList<Guid>>(state.State.Unfinished.ToList());
}
