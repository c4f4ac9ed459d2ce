using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CaptionBoundaries.Application.Tracking;

// Used only by `dotnet ef migrations add`; the connection strings are placeholders and are never opened.

public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTrackingDbContext>
{
    public SqliteTrackingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTrackingDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTrackingDbContext>
{
    public PostgresTrackingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTrackingDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}

public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerTrackingDbContext>
{
    public SqlServerTrackingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerTrackingDbContext>().UseSqlServer("Server=localhost;Database=design_time").Options);
}
