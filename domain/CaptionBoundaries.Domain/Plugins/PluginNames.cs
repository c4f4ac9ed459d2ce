using System.Text.RegularExpressions;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// Plugin names end up in CLI arguments, config files, URLs and experiment records, so they are limited
/// to a form that needs no quoting or escaping anywhere.
/// </summary>
internal static partial class PluginNames
{
    public const string Rule = "non-empty, lower-case letters, digits and underscores only ([a-z0-9_]+)";

    public static bool IsValid(string? name) => name is not null && ValidName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
