namespace CaptionBoundaries.Host.Server.Security;

/// <summary>Configuration section "Security".</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>API requests each account (or, anonymous, each address) may make per minute; beyond it, 429.</summary>
    public int RateLimitPerMinute { get; set; } = 600;

    /// <summary>Predictions each account may request per minute (serving has its own budget).</summary>
    public int PredictionsPerMinute { get; set; } = 120_000;

    /// <summary>Largest request body the API accepts (uploads of checkpoints and plugins), in megabytes.</summary>
    public int MaxUploadMegabytes { get; set; } = 512;

    /// <summary>
    /// How often a console session (the cookie, and each live page's circuit) is checked against its account: a
    /// disabled or re-roled account loses its session within this.
    /// </summary>
    public TimeSpan SessionRevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);
}
