using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;

namespace CaptionBoundaries.Application.Features.Registry;

/// <summary>Every registered architecture with its parameter counts, plus embedders, augmentations and plugin load errors.</summary>
/// <param name="WithParameterCounts">
/// Counting builds each model once (seconds for the triple backbone on a cold start); pickers that only need names
/// and default configs pass false and get null counts.
/// </param>
[RequiresRole(Roles.Viewer)]
public sealed record ListModelsQuery(bool WithParameterCounts = true) : IQuery<ModelCatalog>;

public sealed record ArchitectureInfo(
    string Name, string Description, string PluginFile, string PluginVersion,
    IReadOnlyDictionary<string, string> DefaultConfig, long? TotalParameters, long? TrainableParameters);

public sealed record EmbedderInfo(string Name, string Version, int OutputDimension, string PluginFile);

public sealed record AugmentationInfo(string Name, string Description, string PluginFile);

public sealed record ModelCatalog(
    IReadOnlyList<ArchitectureInfo> Architectures,
    IReadOnlyList<EmbedderInfo> Embedders,
    IReadOnlyList<AugmentationInfo> Augmentations,
    IReadOnlyList<PluginLoadError> Errors);

public sealed class ListModelsHandler(PluginRegistry plugins, ParameterCountCache counts) : IQueryHandler<ListModelsQuery, ModelCatalog>
{
    public ValueTask<ModelCatalog> Handle(ListModelsQuery query, CancellationToken cancellationToken)
    {
        var architectures = plugins.Architectures
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .Select(a =>
            {
                var c = query.WithParameterCounts ? counts.Get(a) : null;
                return new ArchitectureInfo(a.Name, a.Description, a.PluginFile, a.PluginVersion,
                    a.Architecture.DefaultConfig.Values, c?.Total, c?.Trainable);
            })
            .ToList();
        var embedders = plugins.Embedders
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => new EmbedderInfo(e.Name, e.Embedder.Version, e.Embedder.OutputDimension, e.PluginFile))
            .ToList();
        var augmentations = plugins.Augmentations
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .Select(a => new AugmentationInfo(a.Name, a.Augmentation.Description, a.PluginFile))
            .ToList();
        return ValueTask.FromResult(new ModelCatalog(architectures, embedders, augmentations, plugins.Errors));
    }
}
