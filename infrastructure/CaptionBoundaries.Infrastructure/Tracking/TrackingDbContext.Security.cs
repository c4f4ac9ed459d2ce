using CaptionBoundaries.Domain.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Tracking;

public abstract partial class TrackingDbContext
{
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ModelAccess> ModelAccess => Set<ModelAccess>();

    private static void OnModelCreatingSecurity(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ApiToken>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.UserId).HasMaxLength(450);
            e.Property(x => x.UserName).HasMaxLength(256);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Prefix).HasMaxLength(16);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.HasIndex(x => x.Sha256).IsUnique();
            e.HasIndex(x => x.UserId);
        });
        modelBuilder.Entity<ModelAccess>(e =>
        {
            e.HasKey(x => x.ModelName);
            e.Property(x => x.ModelName).HasMaxLength(200);
            e.Property(x => x.Owner).HasMaxLength(256);
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Actor).HasMaxLength(256);
            e.Property(x => x.Roles).HasMaxLength(100);
            e.Property(x => x.RemoteAddress).HasMaxLength(64);
            e.Property(x => x.Action).HasMaxLength(200);
            e.Property(x => x.Outcome).HasMaxLength(2000);
            e.HasIndex(x => x.AtUtc);
            e.HasIndex(x => x.Actor);
        });
    }
}
