using CaptionBoundaries.Domain.Benchmarks;
using CaptionBoundaries.Domain.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Tracking;

// The benchmark tables live in their own part of the context so the feature's schema stays in one place.
public abstract partial class TrackingDbContext
{
    public DbSet<BenchmarkRun> BenchmarkRuns => Set<BenchmarkRun>();
    public DbSet<BenchmarkResult> BenchmarkResults => Set<BenchmarkResult>();

    partial void OnModelCreatingBenchmarks(ModelBuilder modelBuilder);

    partial void OnModelCreatingBenchmarks(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BenchmarkRun>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.ModelName).HasMaxLength(100);
            e.Property(x => x.DatasetIdentity).HasMaxLength(64);
            e.Property(x => x.DatasetName).HasMaxLength(200);
            e.Property(x => x.Split).HasMaxLength(10);
            e.Property(x => x.Device).HasMaxLength(50);
            e.HasIndex(x => new { x.ModelName, x.CreatedAtUtc });
            e.HasMany(x => x.Results).WithOne().HasForeignKey(r => r.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<BenchmarkResult>(e =>
        {
            // A version is measured once per run, so (run, version) identifies a row of the performance table.
            e.HasKey(x => new { x.RunId, x.Version });
            e.Property(x => x.CheckpointSha256).HasMaxLength(64);
        });
    }
}
