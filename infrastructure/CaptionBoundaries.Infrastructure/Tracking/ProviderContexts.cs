using CaptionBoundaries.Domain.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Tracking;

// One subclass per provider so each keeps its own migrations (column types differ between providers).

public sealed class SqliteTrackingDbContext(DbContextOptions<SqliteTrackingDbContext> options) : TrackingDbContext(options);

public sealed class PostgresTrackingDbContext(DbContextOptions<PostgresTrackingDbContext> options) : TrackingDbContext(options);

public sealed class SqlServerTrackingDbContext(DbContextOptions<SqlServerTrackingDbContext> options) : TrackingDbContext(options);
