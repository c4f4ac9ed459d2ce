namespace CaptionBoundaries.Host.Server;

/// <summary>Configuration section "Metrics": who may read <c>/metrics</c> besides admins.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// A long random secret a Prometheus server sends as <c>Authorization: Bearer …</c> to scrape <c>/metrics</c> without
    /// an account; unset, only admins' API tokens may read it. Metrics name every served model, private ones included.
    /// </summary>
    public string? ScrapeToken { get; set; }
}
