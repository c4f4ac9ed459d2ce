using CaptionBoundaries.Domain.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Tracking;

// The webhook outbox: every delivery, pending, delivered or dead-lettered.
public abstract partial class TrackingDbContext
{
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    partial void OnModelCreatingWebhooks(ModelBuilder modelBuilder);

    partial void OnModelCreatingWebhooks(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WebhookDelivery>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Url).HasMaxLength(2000);
            e.Property(x => x.Kind).HasMaxLength(50);
            e.Property(x => x.Model).HasMaxLength(100);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.LastError).HasMaxLength(2000);
            // The dispatcher's question: which pending deliveries are due, oldest first.
            e.HasIndex(x => new { x.Status, x.NextAttemptAtUtc });
            e.HasIndex(x => x.CreatedAtUtc);
        });
    }
}
