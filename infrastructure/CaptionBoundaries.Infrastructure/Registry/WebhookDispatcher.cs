using System.Text;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Infrastructure.Registry;

/// <summary>
/// Sends the webhook outbox in the background. Each due delivery is claimed (an atomic update, so two nodes of a
/// cluster never send the same attempt), POSTed with a per-attempt timeout, and then marked delivered (2xx), due again
/// after an exponential back-off, or dead-lettered after <see cref="WebhookOptions.MaxAttempts"/> with its last error.
/// Deliveries of one round go out in parallel, so a receiver that never answers holds up only its own deliveries; no
/// failure of a delivery, a receiver or the database ends the loop (<see cref="BackgroundLoop"/>).
/// </summary>
public sealed class WebhookDispatcher(IServiceScopeFactory scopes, WebhookPublisher publisher, WebhookOptions options, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    /// <summary>Deliveries claimed per round.</summary>
    private const int RoundSize = 16;

    /// <summary>How often the outbox is looked at without a wake-up (deliveries saved by another node, retries coming due).</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    /// <summary>A claimed attempt's lease outlives its timeout by this much; a node that dies mid-attempt frees it then.</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);

    // The per-attempt timeout is a CancellationToken, never HttpClient.Timeout, so it is a failed attempt and nothing else.
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundLoop.RunUntilStoppedAsync("Webhook delivery", logger, async ct =>
        {
            var nextDue = await DispatchDueAsync(ct);
            var wait = nextDue is null ? IdlePoll : nextDue.Value - DateTime.UtcNow;
            if (wait > TimeSpan.Zero) await publisher.WaitForWorkAsync(wait < IdlePoll ? wait : IdlePoll, ct);
        }, stoppingToken);

    /// <summary>Attempts every due delivery once (up to a round's worth) and answers when the next pending one is due.</summary>
    public async Task<DateTime?> DispatchDueAsync(CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        List<WebhookDelivery> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            due = await db.WebhookDeliveries.AsNoTracking()
                .Where(d => d.Status == WebhookDelivery.Pending && d.NextAttemptAtUtc <= now)
                .OrderBy(d => d.NextAttemptAtUtc).ThenBy(d => d.Id).Take(RoundSize).ToListAsync(ct);
        }

        var attempts = new List<Task>();
        foreach (var delivery in due)
        {
            if (await TryClaimAsync(delivery, ct))
                attempts.Add(BackgroundLoop.RunOnceAsync($"Webhook delivery {delivery.Id}", logger, c => AttemptAsync(delivery, c), ct));
        }
        await Task.WhenAll(attempts);

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            return await db.WebhookDeliveries.AsNoTracking().Where(d => d.Status == WebhookDelivery.Pending)
                .MinAsync(d => d.NextAttemptAtUtc, ct);
        }
    }

    /// <summary>Takes the attempt: counts it and leases the row, only if nobody (another node) took it first.</summary>
    private async Task<bool> TryClaimAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var now = DateTime.UtcNow;
        var lease = now + options.AttemptTimeout + LeaseMargin;
        var seen = delivery.Attempts;
        var claimed = await db.WebhookDeliveries
            .Where(d => d.Id == delivery.Id && d.Status == WebhookDelivery.Pending && d.Attempts == seen && d.NextAttemptAtUtc <= now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Attempts, seen + 1)
                .SetProperty(d => d.NextAttemptAtUtc, lease)
                .SetProperty(d => d.LastAttemptAtUtc, now), ct);
        if (claimed != 1) return false;
        delivery.Attempts = seen + 1;
        return true;
    }

    private async Task AttemptAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var (statusCode, error) = await SendAsync(delivery, ct);
        if (ct.IsCancellationRequested)
        {
            // The host is stopping mid-attempt: give the attempt back so the next start (or another node) sends it at once.
            await ReleaseAsync(delivery);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var row = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == delivery.Id, CancellationToken.None);
        // Gone, or no longer this attempt (e.g. its lease ran out and another node took the next one): not ours to record.
        if (row is null || row.Status != WebhookDelivery.Pending || row.Attempts != delivery.Attempts) return;
        var now = DateTime.UtcNow;
        row.LastStatusCode = statusCode;
        if (error is null)
        {
            row.Status = WebhookDelivery.Delivered;
            row.DeliveredAtUtc = now;
            row.NextAttemptAtUtc = null;
            row.LastError = null;
        }
        else if (row.Attempts >= options.MaxAttempts)
        {
            row.Status = WebhookDelivery.DeadLettered;
            row.DeadLetteredAtUtc = now;
            row.NextAttemptAtUtc = null;
            row.LastError = error;
            logger.LogWarning("Webhook {Url}: {Kind} of {Model} dead-lettered after {Attempts} attempts: {Error}",
                SecretRedactor.RedactUrl(row.Url), row.Kind, row.Model, row.Attempts, error);
        }
        else
        {
            var delay = options.DelayAfter(row.Attempts);
            row.NextAttemptAtUtc = now + delay;
            row.LastError = error;
            logger.LogInformation("Webhook {Url}: {Kind} of {Model} failed (attempt {Attempt} of {Max}), next in {Delay}: {Error}",
                SecretRedactor.RedactUrl(row.Url), row.Kind, row.Model, row.Attempts, options.MaxAttempts, delay, error);
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>POSTs the payload once; answers the status code (when there was one) and the error (null when delivered).</summary>
    private async Task<(int? StatusCode, string? Error)> SendAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(options.AttemptTimeout);
        try
        {
            using var content = new StringContent(delivery.PayloadJson, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(delivery.Url, content, attempt.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? (status, null) : (status, Clip($"answered {status} {response.ReasonPhrase}"));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"timed out: no answer within {options.AttemptTimeout}");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Connection refused, DNS, TLS, a malformed URL: the attempt failed; the message may quote the URL, so mask it.
            var message = e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;
            return (null, Clip(message.Replace(delivery.Url, SecretRedactor.RedactUrl(delivery.Url), StringComparison.Ordinal)));
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            return (null, "interrupted: the host stopped");
        }
    }

    private async Task ReleaseAsync(WebhookDelivery delivery)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            var attempts = delivery.Attempts;
            await db.WebhookDeliveries
                .Where(d => d.Id == delivery.Id && d.Status == WebhookDelivery.Pending && d.Attempts == attempts)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Attempts, attempts - 1)
                    .SetProperty(d => d.NextAttemptAtUtc, DateTime.UtcNow), CancellationToken.None);
        }
        catch (Exception e)
        {
            // Its lease runs out on its own; the delivery is only late, not lost.
            logger.LogWarning("Could not release webhook delivery {Id} while stopping: {Error}", delivery.Id, e.Message);
        }
    }

    private static string Clip(string text) => text.Length <= 2000 ? text : text[..2000];

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
