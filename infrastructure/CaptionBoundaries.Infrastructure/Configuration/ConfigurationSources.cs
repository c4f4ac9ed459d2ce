using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Infrastructure.Configuration;

/// <summary>
/// Where every host (CLI, `serve`, tests) reads its settings from, in order: appsettings.json,
/// appsettings.{Environment}.json, CAPTIONBOUNDARIES_-prefixed environment variables, then command-line overrides.
/// </summary>
public static class ConfigurationSources
{
    public const string EnvironmentPrefix = "CAPTIONBOUNDARIES_";

    /// <summary>
    /// The environment when none is given: Development, whose settings are the embedded SQLite defaults, so a fresh
    /// checkout runs without a database server. Servers set DOTNET_ENVIRONMENT (or --environment) to Staging or Production.
    /// </summary>
    public const string DefaultEnvironment = "Development";

    public static readonly IReadOnlyList<string> KnownEnvironments = ["Development", "Staging", "Production"];

    public static string ResolveEnvironment(string? requested) =>
        FirstNonEmpty(requested,
            Environment.GetEnvironmentVariable(EnvironmentPrefix + "ENVIRONMENT"),
            Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"),
            Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")) ?? DefaultEnvironment;

    public static IConfigurationBuilder AddCaptionBoundariesSources(
        this IConfigurationBuilder builder, string basePath, string environment, IDictionary<string, string?> overrides) =>
        builder
            .SetBasePath(basePath)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(overrides);

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
