using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Security;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// Experiment tracking store. Each database provider has a subclass with its own migrations
/// (<see cref="SqliteTrackingDbContext"/>, <see cref="PostgresTrackingDbContext"/>, <see cref="SqlServerTrackingDbContext"/>).
/// </summary>
public abstract partial class TrackingDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options)
{
    public DbSet<Experiment> Experiments => Set<Experiment>();
    public DbSet<EpochMetric> EpochMetrics => Set<EpochMetric>();
    public DbSet<CheckpointRecord> Checkpoints => Set<CheckpointRecord>();
    public DbSet<GrainStateRecord> GrainStates => Set<GrainStateRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Identity's tables (AspNetUsers, AspNetRoles, …) first: accounts live in the same database as what they own.
        base.OnModelCreating(modelBuilder);
        OnModelCreatingSecurity(modelBuilder);
        OnModelCreatingRegistry(modelBuilder);
        modelBuilder.Entity<Experiment>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.ArchitectureName).HasMaxLength(200);
            e.Property(x => x.AugmentationName).HasMaxLength(200);
            e.Property(x => x.EmbedderName).HasMaxLength(200);
            e.Property(x => x.EmbedderVersion).HasMaxLength(100);
            e.Property(x => x.DatasetIdentity).HasMaxLength(64);
            e.Property(x => x.DatasetName).HasMaxLength(200);
            e.Property(x => x.GitCommit).HasMaxLength(64);
            e.Property(x => x.Device).HasMaxLength(50);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Source).HasMaxLength(20);
            e.Property(x => x.Note).HasMaxLength(20_000);
            e.HasIndex(x => x.RunGroupId);
            e.HasOne<RunGroup>().WithMany().HasForeignKey(x => x.RunGroupId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.ArchitectureName);
            e.HasIndex(x => x.BestValMacroF1);
            e.HasIndex(x => x.DatasetIdentity);
            e.HasIndex(x => x.ParentExperimentId);
            e.HasMany(x => x.Epochs).WithOne().HasForeignKey(m => m.ExperimentId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Checkpoints).WithOne().HasForeignKey(c => c.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<EpochMetric>(e =>
        {
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.ExperimentId, x.Epoch }).IsUnique();
        });
        modelBuilder.Entity<CheckpointRecord>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasMaxLength(20);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.HasIndex(x => new { x.ExperimentId, x.Kind }).IsUnique();
        });
        modelBuilder.Entity<GrainStateRecord>(e =>
        {
            // Lengths keep the composite key under SQL Server's 900-byte index limit.
            e.HasKey(x => new { x.GrainType, x.GrainId });
            e.Property(x => x.GrainType).HasMaxLength(100);
            e.Property(x => x.GrainId).HasMaxLength(300);
            e.Property(x => x.ETag).HasMaxLength(64);
        });
        OnModelCreatingDatasets(modelBuilder);
        OnModelCreatingBenchmarks(modelBuilder);
        OnModelCreatingMonitoring(modelBuilder);
        OnModelCreatingWebhooks(modelBuilder);
        OnModelCreatingRunRecords(modelBuilder);
    }
}
