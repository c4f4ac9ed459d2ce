using System.CommandLine;

namespace CaptionBoundaries.Host.Cli;

/// <summary>Options every command accepts; each overrides the matching configuration key.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Data folder: SQLite database, datasets, checkpoints (config CaptionBoundaries:DataFolder, default ./data)",
        Recursive = true,
    };

    public static readonly Option<string?> Plugins = new("--plugins")
    {
        Description = "Plugins folder, one subfolder per plugin (config CaptionBoundaries:PluginsFolder, default <app>/plugins)",
        Recursive = true,
    };

    public static readonly Option<string?> DbProvider = new("--db-provider")
    {
        Description = "Tracking database: sqlite (default), postgres or sqlserver (config Database:Provider)",
        Recursive = true,
    };

    public static readonly Option<string?> DbConnection = new("--db-connection")
    {
        Description = "Connection string for the tracking database (config Database:ConnectionString)",
        Recursive = true,
    };

    public static readonly Option<string?> EnvironmentName = new("--environment")
    {
        Description = "Development (default), Staging or Production: reads appsettings.{Environment}.json (env CAPTIONBOUNDARIES_ENVIRONMENT or DOTNET_ENVIRONMENT)",
        Recursive = true,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = "API token for commands that talk to a server (--server); default: the CAPTIONBOUNDARIES_TOKEN environment variable",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [DataDir, Plugins, DbProvider, DbConnection, EnvironmentName, Token];
}
