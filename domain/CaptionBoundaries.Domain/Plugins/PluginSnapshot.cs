using System.Collections.Immutable;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// Everything registered at one moment. Immutable, so readers never lock: the registry builds a new one
/// after each change and swaps the reference.
/// </summary>
internal sealed class PluginSnapshot
{
    public static readonly PluginSnapshot Empty = Build([], []);

    private PluginSnapshot(
        ImmutableSortedDictionary<string, ArchitectureEntry> architectures,
        ImmutableSortedDictionary<string, EmbedderEntry> embedders,
        ImmutableSortedDictionary<string, AugmentationEntry> augmentations,
        ImmutableArray<PluginLoadError> errors)
    {
        Architectures = architectures;
        Embedders = embedders;
        Augmentations = augmentations;
        Errors = errors;
    }

    public ImmutableSortedDictionary<string, ArchitectureEntry> Architectures { get; }

    public ImmutableSortedDictionary<string, EmbedderEntry> Embedders { get; }

    public ImmutableSortedDictionary<string, AugmentationEntry> Augmentations { get; }

    public ImmutableArray<PluginLoadError> Errors { get; }

    public IEnumerable<string> NamesOf(PluginKind kind) => kind switch
    {
        PluginKind.Architecture => Architectures.Keys,
        PluginKind.Embedder => Embedders.Keys,
        _ => Augmentations.Keys,
    };

    /// <summary>
    /// Units must come in a stable order (by path): on a duplicate name the first keeps it and the later one is
    /// refused, so which plugin wins never depends on load timing.
    /// </summary>
    public static PluginSnapshot Build(IEnumerable<LoadedPluginUnit> orderedUnits, IEnumerable<PluginLoadError> folderErrors)
    {
        var architectures = ImmutableSortedDictionary.CreateBuilder<string, ArchitectureEntry>(StringComparer.Ordinal);
        var embedders = ImmutableSortedDictionary.CreateBuilder<string, EmbedderEntry>(StringComparer.Ordinal);
        var augmentations = ImmutableSortedDictionary.CreateBuilder<string, AugmentationEntry>(StringComparer.Ordinal);
        var owners = new Dictionary<(PluginKind, string), DiscoveredPlugin>();
        var errors = ImmutableArray.CreateBuilder<PluginLoadError>();
        errors.AddRange(folderErrors);

        foreach (var unit in orderedUnits)
        {
            errors.AddRange(unit.AllErrors());
            foreach (var found in unit.Found)
            {
                if (owners.TryGetValue((found.Kind, found.Name), out var first))
                {
                    errors.Add(new PluginLoadError(found.PluginFile,
                        $"Duplicate {found.Kind.Singular()} name '{found.Name}': type {found.TypeName} in '{found.PluginFile}' was refused because " +
                        $"type {first.TypeName} in '{first.PluginFile}' already registered it."));
                    continue;
                }
                owners[(found.Kind, found.Name)] = found;
                switch (found.Entry)
                {
                    case ArchitectureEntry a: architectures.Add(a.Name, a); break;
                    case EmbedderEntry e: embedders.Add(e.Name, e); break;
                    case AugmentationEntry g: augmentations.Add(g.Name, g); break;
                }
            }
        }
        return new PluginSnapshot(architectures.ToImmutable(), embedders.ToImmutable(), augmentations.ToImmutable(), errors.ToImmutable());
    }
}
