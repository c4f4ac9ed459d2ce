using CaptionBoundaries.Application.Tracking;
using CaptionBoundaries.Host.Server;
using CaptionBoundaries.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Tests.Api;

/// <summary>
/// The server as `serve` composes it (services, co-hosted silo, HTTP pipeline) on a test server, with a temp data
/// folder, its own plugins folder (shipped + tiny test CNN), a fresh SQLite database and free silo ports.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly TempFolder _root = new("cb-api");

    public ApiFactory()
    {
        DataFolder = _root.Combine("data");
        PluginsFolder = _root.Combine("plugins");
        TestPaths.PopulatePluginsFolder(PluginsFolder);
    }

    public string DataFolder { get; }
    public string PluginsFolder { get; }
    public int Slots { get; init; } = 2;

    /// <summary>More configuration for a test (e.g. Registry:Webhooks:0).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    protected override IHostBuilder CreateHostBuilder()
    {
        var settings = new Dictionary<string, string?>
        {
            ["CaptionBoundaries:DataFolder"] = DataFolder,
            ["CaptionBoundaries:PluginsFolder"] = PluginsFolder,
            ["Cluster:Slots"] = Slots.ToString(),
            ["Cluster:SiloPort"] = FreePort.Next().ToString(),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(),
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        return Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder()
            .ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings))
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans((context, silo) => ServerComposition.ConfigureSilo(silo, context.Configuration))
            .ConfigureWebHostDefaults(web => web
                .ConfigureServices((context, services) => ServerComposition.AddServerServices(services, context.Configuration))
                .Configure(ServerComposition.UseServerPipeline));
    }

    /// <summary>The running host, so a test can stop it as `serve` stops (hosted services drained) and look at what is left.</summary>
    public IHost? RunningHost { get; private set; }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = builder.Build();
        RunningHost = host;
        // As in `serve`: the schema exists before the silo starts.
        TrackingDatabase.MigrateAsync(host.Services).GetAwaiter().GetResult();
        host.Start();
        return host;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Dispose();
    }
}
