using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Infrastructure.Tracking;

namespace CaptionBoundaries.Application.Features.Webhooks;

/// <summary>One delivery as admins see it: the URL with its secrets masked, where it stands and why it last failed.</summary>
public sealed record WebhookDeliveryView(
    long Id,
    string Url,
    string Kind,
    string Model,
    string Status,
    int Attempts,
    int MaxAttempts,
    DateTime CreatedAtUtc,
    DateTime? NextAttemptAtUtc,
    DateTime? LastAttemptAtUtc,
    DateTime? DeliveredAtUtc,
    DateTime? DeadLetteredAtUtc,
    int? LastStatusCode,
    string? LastError)
{
    public static WebhookDeliveryView From(WebhookDelivery d, int maxAttempts) => new(
        d.Id, SecretRedactor.RedactUrl(d.Url), d.Kind, d.Model, d.Status, d.Attempts, maxAttempts, d.CreatedAtUtc,
        d.NextAttemptAtUtc, d.LastAttemptAtUtc, d.DeliveredAtUtc, d.DeadLetteredAtUtc, d.LastStatusCode, d.LastError);
}

/// <summary>How many deliveries are in each state, and the newest ones (of one state when asked).</summary>
public sealed record WebhookDeliveryList(int Pending, int Delivered, int DeadLettered, IReadOnlyList<WebhookDeliveryView> Deliveries);
