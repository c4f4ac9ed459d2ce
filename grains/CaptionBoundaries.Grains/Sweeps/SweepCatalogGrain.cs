using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Grains.Sweeps;

[GenerateSerializer]
public sealed record SweepCatalogState
{
    [Id(0)] public List<Guid> Unfinished { get; set; } = [];

    /// <summary>Every sweep started, oldest first. Catalogs stored before this list was kept have only their unfinished sweeps.</summary>
    [Id(1)] public List<Guid> Known { get; set; } = [];
}

public sealed class SweepCatalogGrain(
    [PersistentState("sweeps", GrainStorageNames.Default)] IPersistentState<SweepCatalogState> state) : Grain, ISweepCatalogGrain
{
    public async Task Add(Guid sweepId)
    {
        var changed = false;
        if (!state.State.Unfinished.Contains(sweepId))
        {
            state.State.Unfinished.Add(sweepId);
            changed = true;
        }
        if (!state.State.Known.Contains(sweepId))
        {
            state.State.Known.Add(sweepId);
            changed = true;
        }
        if (changed) await state.WriteStateAsync();
    }

    public async Task Remove(Guid sweepId)
    {
        if (state.State.Unfinished.Remove(sweepId)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<Guid>> Unfinished() => Task.FromResult<IReadOnlyList<Guid>>(state.State.Unfinished.ToList());

    public Task<IReadOnlyList<Guid>> All() =>
        Task.FromResult<IReadOnlyList<Guid>>(state.State.Known.Concat(state.State.Unfinished).Distinct().ToList());
}
