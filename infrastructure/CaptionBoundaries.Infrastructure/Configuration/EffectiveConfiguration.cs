using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace CaptionBoundaries.Infrastructure.Configuration;

/// <summary>The configuration this process runs with, secret-free, each value labelled with where it came from.</summary>
public static class EffectiveConfiguration
{
    public static IReadOnlyList<EffectiveSetting> Read(IConfiguration configuration)
    {
        var settings = new List<EffectiveSetting>();
        foreach (var setting in KnownSettings.All)
        {
            if (setting.IsList)
            {
                var elements = configuration.GetSection(setting.Key).GetChildren().ToList();
                if (elements.Count == 0) settings.Add(Default(setting));
                foreach (var element in elements)
                    settings.Add(new EffectiveSetting(element.Path, Shown(setting, element.Value ?? ""), SourceOf(configuration, element.Path),
                        setting.Description, setting.EnvironmentVariable + "__" + element.Key, IsDefault: false));
            }
            else if (configuration[setting.Key] is { } value)
            {
                settings.Add(new EffectiveSetting(setting.Key, Shown(setting, value), SourceOf(configuration, setting.Key),
                    setting.Description, setting.EnvironmentVariable, IsDefault: false));
            }
            else
            {
                settings.Add(Default(setting));
            }
        }
        return settings;
    }

    private static EffectiveSetting Default(SettingDefinition setting) =>
        new(setting.Key, setting.Default, "default", setting.Description, setting.EnvironmentVariable, IsDefault: true);

    private static string Shown(SettingDefinition setting, string value) =>
        !setting.Secret ? (setting.IsList ? SecretRedactor.RedactUrl(value) : value)
        // A password setting is all secret; a connection string only in its password parts.
        : setting.Key.EndsWith("Password", StringComparison.OrdinalIgnoreCase) ? SecretRedactor.Mask
        : SecretRedactor.RedactConnectionString(value);

    /// <summary>The last provider holding the key wins, as in configuration binding itself.</summary>
    private static string SourceOf(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root) return "configuration";
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _)) continue;
            return provider switch
            {
                JsonConfigurationProvider json => json.Source.Path ?? "json file",
                EnvironmentVariablesConfigurationProvider => "environment variable",
                MemoryConfigurationProvider => "command line / host",
                _ => provider.GetType().Name.Replace("ConfigurationProvider", ""),
            };
        }
        return "configuration";
    }
}
