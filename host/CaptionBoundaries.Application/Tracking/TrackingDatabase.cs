using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Application.Tracking;

/// <summary>Registers the provider-specific tracking context and applies its migrations.</summary>
public static class TrackingDatabase
{
    public static readonly string[] Providers = ["sqlite", "postgres", "sqlserver"];

    public static IServiceCollection AddTrackingDatabase(this IServiceCollection services, DatabaseOptions options, string dataFolder)
    {
        var provider = options.Provider.Trim().ToLowerInvariant();
        var connection = options.ConnectionString;
        switch (provider)
        {
            case "sqlite":
                if (string.IsNullOrWhiteSpace(connection))
                {
                    Directory.CreateDirectory(dataFolder);
                    connection = $"Data Source={Path.Combine(dataFolder, "caption-boundaries.db")}";
                }
                services.AddDbContext<SqliteTrackingDbContext>(o => o.UseSqlite(connection));
                services.AddScoped<TrackingDbContext>(sp => sp.GetRequiredService<SqliteTrackingDbContext>());
                break;
            case "postgres":
                RequireConnection(connection, provider);
                services.AddDbContext<PostgresTrackingDbContext>(o => o.UseNpgsql(connection));
                services.AddScoped<TrackingDbContext>(sp => sp.GetRequiredService<PostgresTrackingDbContext>());
                break;
            case "sqlserver":
                RequireConnection(connection, provider);
                services.AddDbContext<SqlServerTrackingDbContext>(o => o.UseSqlServer(connection));
                services.AddScoped<TrackingDbContext>(sp => sp.GetRequiredService<SqlServerTrackingDbContext>());
                break;
            default:
                throw new InvalidOperationException(
                    $"Configuration key 'Database:Provider' is '{options.Provider}'; expected one of: {string.Join(", ", Providers)}.");
        }
        return services;
    }

    /// <summary>Applies pending migrations (never EnsureCreated, so schema changes stay versioned).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        await db.Database.MigrateAsync(ct);
    }

    private static void RequireConnection(string connection, string provider)
    {
        if (string.IsNullOrWhiteSpace(connection))
            throw new InvalidOperationException($"Configuration key 'Database:ConnectionString' is required for provider '{provider}'.");
    }
}
