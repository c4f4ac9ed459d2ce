using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Application.Features.Benchmarks;

/// <summary>A served model's info and versions, with "not found" errors that name what is missing.</summary>
public static class ServedModelLookup
{
    public static async Task<ModelInfo> InfoAsync(IGrainFactory grains, string model)
    {
        // Asking an unknown grain would activate an empty model, so the catalog decides what exists.
        var names = await grains.GetGrain<IModelCatalogGrain>(0).List();
        if (!names.Contains(model)) throw DomainException.NotFound($"No model named '{model}' is registered.");
        return await grains.GetGrain<IModelGrain>(model).GetInfo();
    }

    /// <summary>The requested versions in the order given, or every version (ascending) when none are requested.</summary>
    public static IReadOnlyList<ModelVersionInfo> Versions(ModelInfo info, IReadOnlyList<int> requested)
    {
        if (requested.Count == 0) return info.Versions.OrderBy(v => v.Version).ToList();
        return requested.Select(n => info.Versions.FirstOrDefault(v => v.Version == n)
            ?? throw DomainException.NotFound(
                $"Model '{info.Name}' has no version {n}; registered versions: {string.Join(", ", info.Versions.Select(v => v.Version))}.")).ToList();
    }
}
