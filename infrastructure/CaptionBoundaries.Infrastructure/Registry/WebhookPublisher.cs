using System.Text.Json;
using System.Threading.Channels;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Infrastructure.Tracking;

namespace CaptionBoundaries.Infrastructure.Registry;

/// <summary>
/// Puts webhook deliveries in the outbox (<see cref="WebhookDelivery"/> rows) inside the caller's unit of work, so a
/// registry change or drift alert is never stored without its deliveries, and nothing is sent on the caller's path:
/// the <see cref="WebhookDispatcher"/> sends them in the background. Registry changes go to <c>Registry:Webhooks</c>;
/// drift alerts (<c>"kind": "drift_alert"</c>) go there and to <c>Monitoring:Webhooks</c>.
/// </summary>
public sealed class WebhookPublisher(RegistryOptions options, MonitoringOptions monitoring)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    // One pending wake-up is enough: the dispatcher reads every due delivery when it wakes.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Adds one delivery per configured URL for each change (saved by the caller's SaveChanges).</summary>
    public void AddChanges(TrackingDbContext db, IEnumerable<ModelChangeNotice> changes)
    {
        if (options.Webhooks.Count == 0) return;
        foreach (var notice in changes) Add(db, options.Webhooks, notice, notice.Kind, notice.Model);
    }

    /// <summary>Adds one delivery per URL of the registry's and the monitoring's webhooks (saved by the caller's SaveChanges).</summary>
    public void AddAlert(TrackingDbContext db, DriftAlertNotice notice) =>
        Add(db, options.Webhooks.Concat(monitoring.Webhooks).Distinct().ToList(), notice, notice.Kind, notice.Model);

    /// <summary>Tells this node's dispatcher that new deliveries were saved (other nodes find them on their next poll).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Waits until <see cref="Wake"/> is called or <paramref name="timeout"/> passes.</summary>
    internal async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_wake.Reader.TryRead(out _)) return;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await _wake.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Timed out: time to look for due retries anyway.
        }
    }

    private static void Add(TrackingDbContext db, IReadOnlyList<string> urls, object payload, string kind, string model)
    {
        if (urls.Count == 0) return;
        var body = JsonSerializer.Serialize(payload, payload.GetType(), Json);
        var now = DateTime.UtcNow;
        foreach (var url in urls)
        {
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                Url = url,
                Kind = kind,
                Model = model,
                PayloadJson = body,
                CreatedAtUtc = now,
                NextAttemptAtUtc = now,
            });
        }
    }
}
