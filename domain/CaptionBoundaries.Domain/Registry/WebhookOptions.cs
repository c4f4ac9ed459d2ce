namespace CaptionBoundaries.Domain.Registry;

/// <summary>
/// Configuration section "Webhooks": how deliveries are retried. The receivers themselves are listed in
/// <c>Registry:Webhooks</c> (every registry change and drift alert) and <c>Monitoring:Webhooks</c> (drift alerts).
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Attempts per delivery, the first included; after the last failed one the delivery is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; each further failure doubles it, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>One attempt (connect, send, status line) gets this long; a receiver that never answers fails the attempt, nothing else.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1, after <paramref name="attempts"/> failed ones.</summary>
    public TimeSpan DelayAfter(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(BaseDelay.Ticks * factor, MaxDelay.Ticks));
        return delay < BaseDelay ? BaseDelay : delay;
    }
}
