namespace CaptionBoundaries.Infrastructure.Configuration;

/// <summary>
/// One configuration key the platform reads: its default, what it means, and the rule its value must follow.
/// <paramref name="Check"/> gets the raw value (null when unset) and the whole configuration (for rules that
/// depend on another key) and returns an error message, or null when the value is fine.
/// </summary>
public sealed record SettingDefinition(
    string Key,
    string Default,
    string Description,
    Func<string?, Microsoft.Extensions.Configuration.IConfiguration, string?> Check,
    bool Secret = false)
{
    /// <summary>A list setting (Key:0, Key:1, …): <see cref="Check"/> applies to each element.</summary>
    public bool IsList { get; init; }

    /// <summary>The environment variable that sets this key: CAPTIONBOUNDARIES_ + the key with ':' as '__'.</summary>
    public string EnvironmentVariable => ConfigurationSources.EnvironmentPrefix + Key.Replace(":", "__");
}
