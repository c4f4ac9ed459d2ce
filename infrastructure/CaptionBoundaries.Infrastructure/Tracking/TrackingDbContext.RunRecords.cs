using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>Run groups (MLflow experiments) and what any run can carry beyond its epochs: metric series, params, tags, artifacts.</summary>
public abstract partial class TrackingDbContext
{
    public DbSet<RunGroup> RunGroups => Set<RunGroup>();
    public DbSet<RunMetric> RunMetrics => Set<RunMetric>();
    public DbSet<RunParam> RunParams => Set<RunParam>();
    public DbSet<RunTag> RunTags => Set<RunTag>();
    public DbSet<RunArtifact> RunArtifacts => Set<RunArtifact>();

    /// <summary>MLflow's own limits (keys 250 characters, param values 6000, tag values 8000).</summary>
    public const int MaxKeyLength = 250;
    public const int MaxParamValueLength = 6000;
    public const int MaxTagValueLength = 8000;
    public const int MaxArtifactPathLength = 1000;

    private static void OnModelCreatingRunRecords(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RunGroup>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(500);
            e.Property(x => x.ArtifactLocation).HasMaxLength(1000);
            e.Property(x => x.LifecycleStage).HasMaxLength(20);
            e.Property(x => x.Owner).HasMaxLength(200);
            e.HasIndex(x => x.Name).IsUnique();
        });
        modelBuilder.Entity<RunMetric>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Key).HasMaxLength(MaxKeyLength);
            e.HasIndex(x => new { x.ExperimentId, x.Key, x.Step });
            e.HasOne<Experiment>().WithMany().HasForeignKey(x => x.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<RunParam>(e =>
        {
            e.HasKey(x => new { x.ExperimentId, x.Key });
            e.Property(x => x.Key).HasMaxLength(MaxKeyLength);
            e.Property(x => x.Value).HasMaxLength(MaxParamValueLength);
            e.HasOne<Experiment>().WithMany().HasForeignKey(x => x.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<RunTag>(e =>
        {
            e.HasKey(x => new { x.ExperimentId, x.Key });
            e.Property(x => x.Key).HasMaxLength(MaxKeyLength);
            e.Property(x => x.Value).HasMaxLength(MaxTagValueLength);
            e.HasIndex(x => x.Key);
            e.HasOne<Experiment>().WithMany().HasForeignKey(x => x.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<RunArtifact>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Path).HasMaxLength(MaxArtifactPathLength);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.UploadedBy).HasMaxLength(200);
            e.HasIndex(x => new { x.ExperimentId, x.Path }).IsUnique();
            e.HasIndex(x => x.Sha256);
            e.HasOne<Experiment>().WithMany().HasForeignKey(x => x.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
