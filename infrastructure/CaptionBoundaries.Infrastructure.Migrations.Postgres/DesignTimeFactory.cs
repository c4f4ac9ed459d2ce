using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CaptionBoundaries.Infrastructure.Migrations.Postgres;

/// <summary>
/// Used only by `dotnet ef migrations add` (see docs/architecture.md); the connection string is a placeholder and is
/// never opened.
/// </summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PostgresTrackingDbContext>
{
    public PostgresTrackingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTrackingDbContext>().UseNpgsql("Host=localhost;Database=design_time", b => b.MigrationsAssembly(TrackingDatabase.MigrationsAssembly.Postgres)).Options);
}
