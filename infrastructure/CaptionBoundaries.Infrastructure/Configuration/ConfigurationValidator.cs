using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Infrastructure.Configuration;

/// <summary>Checks the whole configuration against <see cref="KnownSettings"/> so a bad value stops start-up naming its key.</summary>
public static class ConfigurationValidator
{
    public static IReadOnlyList<ConfigurationError> Validate(IConfiguration configuration)
    {
        var errors = new List<ConfigurationError>();
        foreach (var setting in KnownSettings.All)
        {
            if (setting.IsList)
            {
                foreach (var element in configuration.GetSection(setting.Key).GetChildren())
                    if (setting.Check(element.Value, configuration) is { } message)
                        errors.Add(new ConfigurationError(element.Path, message));
            }
            else if (setting.Check(configuration[setting.Key], configuration) is { } message)
            {
                errors.Add(new ConfigurationError(setting.Key, message));
            }
        }
        errors.AddRange(UnknownKeys(configuration));
        return errors;
    }

    public static void ThrowIfInvalid(IConfiguration configuration)
    {
        var errors = Validate(configuration);
        if (errors.Count > 0) throw new InvalidConfigurationException(errors);
    }

    /// <summary>Keys under the platform's sections that no setting reads: almost always a typo (Cluster:Slot for Cluster:Slots).</summary>
    private static IEnumerable<ConfigurationError> UnknownKeys(IConfiguration configuration)
    {
        var known = KnownSettings.All.ToDictionary(s => s.Key, StringComparer.OrdinalIgnoreCase);
        foreach (var section in KnownSettings.Sections)
        {
            foreach (var leaf in Leaves(configuration.GetSection(section)))
            {
                if (known.ContainsKey(leaf.Path)) continue;
                var parent = leaf.Path[..leaf.Path.LastIndexOf(':')];
                if (known.TryGetValue(parent, out var list) && list.IsList) continue;
                yield return new ConfigurationError(leaf.Path,
                    $"is not a setting CaptionBoundaries reads (known keys under '{section}': " +
                    string.Join(", ", KnownSettings.All.Where(s => s.Key.StartsWith(section + ":", StringComparison.Ordinal)).Select(s => s.Key)) + ").");
            }
        }
    }

    private static IEnumerable<IConfigurationSection> Leaves(IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            var grandChildren = child.GetChildren().ToList();
            if (grandChildren.Count == 0) yield return child;
            else foreach (var leaf in Leaves(child)) yield return leaf;
        }
    }
}
