using System.Reflection;
using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// Finds and instantiates the plugin implementations in one loaded assembly. Every failure becomes a
/// <see cref="PluginLoadError"/> for that type, so one bad type never hides the good ones beside it.
/// </summary>
internal static class PluginAssemblyScanner
{
    public static (List<DiscoveredPlugin> Found, List<PluginLoadError> Errors) Scan(Assembly assembly, string file)
    {
        var found = new List<DiscoveredPlugin>();
        var errors = new List<PluginLoadError>();
        var version = VersionOf(assembly);

        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e)
        {
            // Usually a dependency missing from the plugin folder: the loader only resolves types lazily.
            errors.Add(new PluginLoadError(file, $"Plugin '{file}': its types could not be loaded: {Describe(e)}"));
            return (found, errors);
        }

        foreach (var type in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var kinds = KindsOf(type);
            if (kinds.Count == 0 || type.IsAbstract || type.IsInterface || type.ContainsGenericParameters) continue;
            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                errors.Add(new PluginLoadError(file,
                    $"Plugin '{file}': type {type.FullName} implements {string.Join(", ", kinds.Select(k => k.ContractName()))} but has no public parameterless constructor."));
                continue;
            }

            object instance;
            try
            {
                instance = Activator.CreateInstance(type)!;
            }
            catch (Exception e)
            {
                errors.Add(new PluginLoadError(file, $"Plugin '{file}': constructor of type {type.FullName} threw: {Describe(e)}"));
                continue;
            }

            foreach (var kind in kinds)
            {
                try
                {
                    var discovered = Describe(kind, instance, type, file, version, out var problem);
                    if (discovered is null) errors.Add(new PluginLoadError(file, problem!));
                    else found.Add(discovered);
                }
                catch (Exception e)
                {
                    // Name/Description/DefaultConfig are plugin code too and may throw.
                    errors.Add(new PluginLoadError(file,
                        $"Plugin '{file}': type {type.FullName} threw while being read as {kind.Singular()}: {Describe(e)}"));
                }
            }
        }
        return (found, errors);
    }

    private static DiscoveredPlugin? Describe(
        PluginKind kind, object instance, Type type, string file, string version, out string? problem)
    {
        problem = null;
        string name;
        object entry;
        switch (kind)
        {
            case PluginKind.Architecture:
                var a = (IModelArchitecture)instance;
                name = a.Name;
                _ = a.DefaultConfig; // read once now so a broken default fails at load, not mid-experiment
                entry = new ArchitectureEntry(name, a.Description ?? "", file, version, a);
                break;
            case PluginKind.Embedder:
                var e = (IEmbedder)instance;
                name = e.Name;
                if (string.IsNullOrWhiteSpace(e.Version))
                {
                    problem = $"Plugin '{file}': embedder type {type.FullName} ('{name}') has an empty Version; experiments record it, so it is required.";
                    return null;
                }
                if (e.OutputDimension <= 0)
                {
                    problem = $"Plugin '{file}': embedder type {type.FullName} ('{name}') has OutputDimension {e.OutputDimension}; it must be positive.";
                    return null;
                }
                entry = new EmbedderEntry(name, e.Version, e.OutputDimension, file, version, e);
                break;
            default:
                var g = (IAugmentationStrategy)instance;
                name = g.Name;
                entry = new AugmentationEntry(name, g.Description ?? "", file, version, g);
                break;
        }

        if (!PluginNames.IsValid(name))
        {
            problem = $"Plugin '{file}': {kind.Singular()} type {type.FullName} has the invalid name '{name}'; names must be {PluginNames.Rule}.";
            return null;
        }
        return new DiscoveredPlugin(kind, name, type.FullName!, file, entry);
    }

    private static List<PluginKind> KindsOf(Type type)
    {
        var kinds = new List<PluginKind>(1);
        if (typeof(IModelArchitecture).IsAssignableFrom(type)) kinds.Add(PluginKind.Architecture);
        if (typeof(IEmbedder).IsAssignableFrom(type)) kinds.Add(PluginKind.Embedder);
        if (typeof(IAugmentationStrategy).IsAssignableFrom(type)) kinds.Add(PluginKind.Augmentation);
        return kinds;
    }

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>Constructor and reflection failures arrive wrapped; the inner exception is the useful part.</summary>
    internal static string Describe(Exception e)
    {
        while (e is TargetInvocationException { InnerException: not null } || e is TypeInitializationException { InnerException: not null })
        {
            e = e.InnerException!;
        }
        if (e is ReflectionTypeLoadException rtle)
        {
            var first = rtle.LoaderExceptions.FirstOrDefault(x => x is not null);
            if (first is not null) return $"{e.GetType().Name}: {first.Message}";
        }
        return $"{e.GetType().Name}: {e.Message}";
    }
}
