using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Tracking;

// Production monitoring: the prediction log, reference profiles, drift evaluations, alerts and per-model settings.
public abstract partial class TrackingDbContext
{
    public DbSet<PredictionRecord> Predictions => Set<PredictionRecord>();
    public DbSet<ModelReference> ModelReferences => Set<ModelReference>();
    public DbSet<DriftEvaluation> DriftEvaluations => Set<DriftEvaluation>();
    public DbSet<DriftAlert> DriftAlerts => Set<DriftAlert>();
    public DbSet<MonitoringSettingsRecord> MonitoringSettings => Set<MonitoringSettingsRecord>();

    partial void OnModelCreatingMonitoring(ModelBuilder modelBuilder);

    partial void OnModelCreatingMonitoring(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PredictionRecord>(e =>
        {
            e.ToTable("PredictionLog");
            e.HasKey(x => x.Id);
            e.Property(x => x.ModelName).HasMaxLength(100);
            e.Property(x => x.PredictedClass).HasMaxLength(20);
            // Windows are "the last N of a version": newest-first by id within (model, version).
            e.HasIndex(x => new { x.ModelName, x.Version, x.Id });
            e.HasIndex(x => x.AtUtc);
        });
        modelBuilder.Entity<ModelReference>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.ModelName).HasMaxLength(100);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.DatasetIdentity).HasMaxLength(64);
            e.Property(x => x.Split).HasMaxLength(10);
            e.HasIndex(x => new { x.ModelName, x.Version }).IsUnique();
        });
        modelBuilder.Entity<DriftEvaluation>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.ModelName).HasMaxLength(100);
            e.Property(x => x.Breaches).HasMaxLength(1000);
            e.HasIndex(x => new { x.ModelName, x.Version, x.Id });
        });
        modelBuilder.Entity<DriftAlert>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.ModelName).HasMaxLength(100);
            e.Property(x => x.Metric).HasMaxLength(100);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.Message).HasMaxLength(2000);
            e.Property(x => x.AcknowledgedBy).HasMaxLength(200);
            e.HasIndex(x => new { x.ModelName, x.Version, x.Metric, x.Status });
            e.HasIndex(x => x.OpenedAtUtc);
        });
        modelBuilder.Entity<MonitoringSettingsRecord>(e =>
        {
            e.HasKey(x => x.ModelName);
            e.Property(x => x.ModelName).HasMaxLength(100);
            e.Property(x => x.UpdatedBy).HasMaxLength(200);
        });
    }
}
