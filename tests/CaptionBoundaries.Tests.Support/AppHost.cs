using CaptionBoundaries.Application;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Tests.Support;

/// <summary>
/// The application's real service graph (handlers, validators, plugin registry, EF Core) over a temp data folder,
/// a temp plugins folder and a fresh database (SQLite file, or a fresh PostgreSQL database).
/// </summary>
public sealed class AppHost : IAsyncDisposable
{
    private readonly TempFolder _root = new("cb-app");
    private readonly string? _postgresDatabase;

    private AppHost(string provider)
    {
        PluginsFolder = _root.Combine("plugins");
        DataFolder = _root.Combine("data");
        TestPaths.PopulatePluginsFolder(PluginsFolder);
        var settings = new Dictionary<string, string?>
        {
            ["CaptionBoundaries:DataFolder"] = DataFolder,
            ["CaptionBoundaries:PluginsFolder"] = PluginsFolder,
            ["Database:Provider"] = provider,
        };
        if (provider == "postgres")
        {
            _postgresDatabase = $"cb_test_{Guid.NewGuid():N}";
            settings["Database:ConnectionString"] = PostgresServer.ConnectionString(_postgresDatabase);
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCaptionBoundaries(configuration);
        Services = services.BuildServiceProvider();
    }

    public string PluginsFolder { get; }
    public string DataFolder { get; }
    public ServiceProvider Services { get; }

    public static async Task<AppHost> StartAsync(string provider = "sqlite")
    {
        var host = new AppHost(provider);
        await TrackingDatabase.MigrateAsync(host.Services);
        return host;
    }

    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request, CancellationToken ct = default)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, ct);
    }

    public async Task<TResponse> SendAsync<TResponse>(ICommand<TResponse> command, CancellationToken ct = default)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command, ct);
    }

    public async Task<TResponse> SendAsync<TResponse>(IQuery<TResponse> query, CancellationToken ct = default)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(query, ct);
    }

    /// <summary>Runs a query on a fresh context, as a separate reader would see the database.</summary>
    public async Task<T> QueryDb<T>(Func<TrackingDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TrackingDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresDatabase is not null)
        {
            await QueryDb(async db => await db.Database.EnsureDeletedAsync());
        }
        await Services.DisposeAsync();
        _root.Dispose();
    }
}
