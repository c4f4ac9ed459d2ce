using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// One webhook POST to one URL, stored in the same SaveChanges as the change it announces (an outbox): it is
/// attempted until the receiver answers 2xx, retried with back-off, and dead-lettered after the last attempt with
/// the last error kept. Pending rows survive a restart; any node of a cluster may deliver them.
/// </summary>
public sealed class WebhookDelivery
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string DeadLettered = "dead_lettered";

    public long Id { get; set; }

    /// <summary>The receiver as configured (it may carry a token: show it through <c>SecretRedactor.RedactUrl</c> only).</summary>
    public required string Url { get; set; }

    /// <summary>What the payload announces: a registry change kind (register, switch, …) or drift_alert.</summary>
    public required string Kind { get; set; }

    public required string Model { get; set; }

    /// <summary>The JSON body, exactly as it is POSTed on every attempt.</summary>
    public required string PayloadJson { get; set; }

    public string Status { get; set; } = Pending;

    /// <summary>Attempts started (a claimed attempt counts even if the node died during it).</summary>
    public int Attempts { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>When a pending delivery is next due; while an attempt runs, the end of that attempt's lease. Null once settled.</summary>
    public DateTime? NextAttemptAtUtc { get; set; }

    public DateTime? LastAttemptAtUtc { get; set; }
    public DateTime? DeliveredAtUtc { get; set; }
    public DateTime? DeadLetteredAtUtc { get; set; }

    /// <summary>The receiver's last HTTP status, when it answered at all.</summary>
    public int? LastStatusCode { get; set; }

    /// <summary>Why the last attempt failed (timeout, connection refused, non-2xx status); null after a delivery.</summary>
    public string? LastError { get; set; }
}
