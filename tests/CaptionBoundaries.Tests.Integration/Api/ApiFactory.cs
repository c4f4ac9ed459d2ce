using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Host.Server;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Tests.Api;

/// <summary>
/// The server as `serve` composes it (services, co-hosted silo, HTTP pipeline) on a test server, with a temp data
/// folder, its own plugins folder (shipped + tiny test CNN), a fresh SQLite database and a free silo port (no gateway unless a test sets Cluster:GatewayPort).
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

    /// <summary>
    /// Serves on a real loopback port (Kestrel) instead of the in-memory test server, so clients outside this process
    /// (the CLI as a child process, a load generator) reach it at <see cref="BaseUrl"/>. Call before the first client.
    /// </summary>
    public ApiFactory ListenOnLoopback()
    {
        Port = FreePort.Next();
        UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, Port));
        return this;
    }

    public int Port { get; private set; }

    /// <summary>Where <see cref="ListenOnLoopback"/> serves.</summary>
    public string BaseUrl => Port > 0 ? $"http://127.0.0.1:{Port}" : throw new InvalidOperationException("Call ListenOnLoopback first.");
    public string PluginsFolder { get; }
    public int Slots { get; init; } = 2;

    /// <summary>More configuration for a test (e.g. Registry:Webhooks:0).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>More services for a test, registered after the server's own (e.g. a startup filter, a log capture).</summary>
    public Action<IServiceCollection>? ExtraServices { get; init; }

    protected override IHostBuilder CreateHostBuilder()
    {
        var settings = new Dictionary<string, string?>
        {
            ["CaptionBoundaries:DataFolder"] = DataFolder,
            ["CaptionBoundaries:PluginsFolder"] = PluginsFolder,
            ["Cluster:Slots"] = Slots.ToString(),
            ["Cluster:SiloPort"] = FreePort.Next().ToString(),
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        // The default environment of the platform (embedded SQLite, cpu): the generic host's own default is Production,
        // whose appsettings ask for PostgreSQL and a GPU.
        return Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder()
            .UseEnvironment(CaptionBoundaries.Infrastructure.Configuration.ConfigurationSources.DefaultEnvironment)
            .ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings))
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans((context, silo) => ServerComposition.ConfigureSilo(silo, context.Configuration))
            .ConfigureWebHostDefaults(web => web
                .ConfigureServices((context, services) =>
                {
                    ServerComposition.AddServerServices(services, context.Configuration);
                    services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, LoopbackAddressFilter>();
                    ExtraServices?.Invoke(services);
                })
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
        // Every client of the factory acts as this admin unless a test asks for another account (or none).
        AdminToken = Accounts.CreateFirstAdminAsync(host.Services, AdminName).GetAwaiter().GetResult();
        return host;
    }

    public const string AdminName = "test-admin";

    /// <summary>The API token of <see cref="AdminName"/>, which <see cref="ConfigureClient"/> puts on every client.</summary>
    public string AdminToken { get; private set; } = "";

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
    }

    /// <summary>A client sending this token, or no credentials at all when null.</summary>
    public HttpClient CreateClient(string? token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = token is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A new account with a role, and an API token for it.</summary>
    public Task<string> CreateUserTokenAsync(string userName, string role, int daysValid = 30) =>
        Accounts.CreateUserAsync(Services, userName, role, daysValid);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Dispose();
    }
}

/// <summary>The in-memory test server has no socket, hence no client address; its requests come from loopback.</summary>
internal sealed class LoopbackAddressFilter : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use(inner => http =>
        {
            http.Connection.RemoteIpAddress ??= System.Net.IPAddress.Loopback;
            return inner(http);
        });
        next(app);
    };
}
