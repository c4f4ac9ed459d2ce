namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// A lookup of a name no loaded plugin registered. The message lists the names that do exist, since the
/// usual cause is a typo or a plugin that failed to load (see <see cref="PluginRegistry.Errors"/>).
/// </summary>
public sealed class UnknownPluginException(PluginKind kind, string name, IEnumerable<string> knownNames)
    : ArgumentException(BuildMessage(kind, name, knownNames.ToList()))
{
    public PluginKind Kind { get; } = kind;

    public string Name { get; } = name;

    private static string BuildMessage(PluginKind kind, string name, IReadOnlyList<string> known) =>
        known.Count == 0
            ? $"Unknown {kind.Singular()} '{name}': no {kind.Plural()} are loaded."
            : $"Unknown {kind.Singular()} '{name}'. Known {kind.Plural()}: {string.Join(", ", known)}.";
}
