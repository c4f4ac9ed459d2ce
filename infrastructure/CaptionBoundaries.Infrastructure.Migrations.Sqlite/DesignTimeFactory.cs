using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CaptionBoundaries.Infrastructure.Migrations.Sqlite;

/// <summary>
/// Used only by `dotnet ef migrations add` (see docs/architecture.md); the connection string is a placeholder and is
/// never opened.
/// </summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<SqliteTrackingDbContext>
{
    public SqliteTrackingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTrackingDbContext>().UseSqlite("Data Source=design-time.db", b => b.MigrationsAssembly(TrackingDatabase.MigrationsAssembly.Sqlite)).Options);
}
