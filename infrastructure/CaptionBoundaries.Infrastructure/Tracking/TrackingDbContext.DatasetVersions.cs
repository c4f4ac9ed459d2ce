using CaptionBoundaries.Domain.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Tracking;

// Dataset versioning tables, kept apart from the experiment model so each can change without touching the other.
public abstract partial class TrackingDbContext
{
    public DbSet<DatasetRecord> Datasets => Set<DatasetRecord>();
    public DbSet<DatasetVersionRecord> DatasetVersions => Set<DatasetVersionRecord>();
    public DbSet<DatasetVersionBlob> DatasetVersionBlobs => Set<DatasetVersionBlob>();

    partial void OnModelCreatingDatasets(ModelBuilder modelBuilder);

    partial void OnModelCreatingDatasets(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DatasetRecord>(e =>
        {
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(100);
            e.HasMany(x => x.Versions).WithOne().HasForeignKey(v => v.DatasetName).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<DatasetVersionRecord>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.DatasetName).HasMaxLength(100);
            e.Property(x => x.ManifestBlob).HasMaxLength(64);
            e.Property(x => x.SourceManifestBlob).HasMaxLength(64);
            e.Property(x => x.ContentIdentity).HasMaxLength(64);
            e.Property(x => x.Message).HasMaxLength(2000);
            e.Property(x => x.SourceFolder).HasMaxLength(1000);
            e.HasIndex(x => new { x.DatasetName, x.Number }).IsUnique();
            e.HasIndex(x => x.ContentIdentity);
            e.HasOne<DatasetVersionRecord>().WithMany().HasForeignKey(x => x.ParentVersionId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Blobs).WithOne().HasForeignKey(b => b.VersionId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<DatasetVersionBlob>(e =>
        {
            e.HasKey(x => new { x.VersionId, x.BlobSha });
            e.Property(x => x.BlobSha).HasMaxLength(64);
            e.HasIndex(x => x.BlobSha);
        });
    }
}
