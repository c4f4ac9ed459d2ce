using CaptionBoundaries.Domain.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>Registers the provider-specific tracking context and applies its migrations.</summary>
public static class TrackingDatabase
{
    public static readonly string[] Providers = ["sqlite", "postgres", "sqlserver"];

    /// <summary>
    /// Each provider's migrations live in an assembly of their own (infrastructure/CaptionBoundaries.Infrastructure.Migrations.*),
    /// named here rather than referenced: the infrastructure does not depend on its migrations; the host ships all three.
    /// </summary>
    public static class MigrationsAssembly
    {
        public const string Sqlite = "CaptionBoundaries.Infrastructure.Migrations.Sqlite";
        public const string Postgres = "CaptionBoundaries.Infrastructure.Migrations.Postgres";
        public const string SqlServer = "CaptionBoundaries.Infrastructure.Migrations.SqlServer";
    }

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
                services.AddDbContext<SqliteTrackingDbContext>(o => o.UseSqlite(connection, b => b.MigrationsAssembly(MigrationsAssembly.Sqlite)));
                services.AddScoped<TrackingDbContext>(sp => sp.GetRequiredService<SqliteTrackingDbContext>());
                break;
            case "postgres":
                RequireConnection(connection, provider);
                services.AddDbContext<PostgresTrackingDbContext>(o => o.UseNpgsql(connection, b => b.MigrationsAssembly(MigrationsAssembly.Postgres)));
                services.AddScoped<TrackingDbContext>(sp => sp.GetRequiredService<PostgresTrackingDbContext>());
                break;
            case "sqlserver":
                RequireConnection(connection, provider);
                services.AddDbContext<SqlServerTrackingDbContext>(o => o.UseSqlServer(connection, b => b.MigrationsAssembly(MigrationsAssembly.SqlServer)));
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
