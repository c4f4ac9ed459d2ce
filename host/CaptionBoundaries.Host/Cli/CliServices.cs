using System.CommandLine;
using CaptionBoundaries.Application;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Host.Cli;

/// <summary>
/// Builds the same service graph the server uses, configured from appsettings.json, appsettings.{Environment}.json,
/// environment variables (CAPTIONBOUNDARIES_ prefix, e.g. CAPTIONBOUNDARIES_Database__Provider) and the global
/// options, in that order.
/// </summary>
public static class CliServices
{
    public static async Task<ServiceProvider> BuildAsync(ParseResult parse, CancellationToken ct, bool migrate = true)
    {
        var configuration = new ConfigurationBuilder()
            .AddCaptionBoundariesSources(AppContext.BaseDirectory, Environment(parse), Overrides(parse))
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Error));
        services.AddCaptionBoundaries(configuration);
        var provider = services.BuildServiceProvider();
        if (migrate) await TrackingDatabase.MigrateAsync(provider, ct);
        return provider;
    }

    public const string EnvironmentPrefix = ConfigurationSources.EnvironmentPrefix;

    /// <summary>--environment, else CAPTIONBOUNDARIES_ENVIRONMENT / DOTNET_ENVIRONMENT / ASPNETCORE_ENVIRONMENT, else Development.</summary>
    public static string Environment(ParseResult parse) => ConfigurationSources.ResolveEnvironment(parse.GetValue(GlobalOptions.EnvironmentName));

    /// <summary>The configuration keys the global options set, where given.</summary>
    public static Dictionary<string, string?> Overrides(ParseResult parse)
    {
        // Handlers (the console's configuration page) read the environment name under the generic host's own key.
        var overrides = new Dictionary<string, string?> { ["environment"] = Environment(parse) };
        void Map(Option<string?> option, string key)
        {
            var value = parse.GetValue(option);
            if (!string.IsNullOrWhiteSpace(value)) overrides[key] = value;
        }
        Map(GlobalOptions.DataDir, "CaptionBoundaries:DataFolder");
        Map(GlobalOptions.Plugins, "CaptionBoundaries:PluginsFolder");
        Map(GlobalOptions.DbProvider, "Database:Provider");
        Map(GlobalOptions.DbConnection, "Database:ConnectionString");

        return overrides;
    }
}
