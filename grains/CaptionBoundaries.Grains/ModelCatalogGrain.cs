using CaptionBoundaries.Grains.Abstractions;
namespace CaptionBoundaries.Grains;

[GenerateSerializer]
public sealed record ModelCatalogState
{
    [Id(0)] public SortedSet<string> Names { get; set; } = new(StringComparer.Ordinal);
}

public sealed class ModelCatalogGrain(
    [PersistentState("catalog", GrainStorageNames.Default)] IPersistentState<ModelCatalogState> state) : Grain, IModelCatalogGrain
{
    public async Task Add(string modelName)
    {
        if (state.State.Names.Add(modelName)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>(state.State.Names.ToList());
}
