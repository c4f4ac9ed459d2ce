using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CaptionBoundaries.Infrastructure.Migrations.SqlServer;

/// <summary>
/// Used only by `dotnet ef migrations add` (see docs/architecture.md); the connection string is a placeholder and is
/// never opened.
/// </summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<SqlServerTrackingDbContext>
{
    public SqlServerTrackingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerTrackingDbContext>().UseSqlServer("Server=localhost;Database=design_time", b => b.MigrationsAssembly(TrackingDatabase.MigrationsAssembly.SqlServer)).Options);
}
