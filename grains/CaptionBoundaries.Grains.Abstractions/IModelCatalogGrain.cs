namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>The names of all served models (a single grain, key 0), so they can be listed.</summary>
public interface IModelCatalogGrain : IGrainWithIntegerKey
{
    Task Add(string modelName);

    Task<IReadOnlyList<string>> List();
}
