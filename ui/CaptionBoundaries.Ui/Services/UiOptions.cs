namespace CaptionBoundaries.Ui.Services;

/// <summary>Configuration section "Ui".</summary>
public sealed class UiOptions
{
    public const string Section = "Ui";

    /// <summary>How often live pages (overview, a running experiment) re-read their data.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);
}
