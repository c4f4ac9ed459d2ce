using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Registry;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Tracking;

public abstract partial class TrackingDbContext
{
    public DbSet<RegisteredModelVersion> ModelVersions => Set<RegisteredModelVersion>();
    public DbSet<ModelChange> ModelChanges => Set<ModelChange>();

    private static void OnModelCreatingRegistry(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RegisteredModelVersion>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.ModelName).HasMaxLength(100);
            e.Property(x => x.ModelType).HasMaxLength(200);
            e.Property(x => x.Source).HasMaxLength(20);
            e.Property(x => x.CheckpointSha256).HasMaxLength(64);
            e.Property(x => x.CreatedBy).HasMaxLength(200);
            e.HasIndex(x => new { x.ModelName, x.Version }).IsUnique();
            e.HasIndex(x => x.ExperimentId);
        });
        modelBuilder.Entity<ModelChange>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.ModelName).HasMaxLength(100);
            e.Property(x => x.Kind).HasMaxLength(20);
            e.Property(x => x.Alias).HasMaxLength(50);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.HasIndex(x => new { x.ModelName, x.AtUtc });
        });
    }
}
