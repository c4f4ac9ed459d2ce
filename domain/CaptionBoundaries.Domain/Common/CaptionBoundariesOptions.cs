namespace CaptionBoundaries.Domain.Common;

/// <summary>Configuration section "CaptionBoundaries".</summary>
public sealed class CaptionBoundariesOptions
{
    public const string Section = "CaptionBoundaries";

    /// <summary>Where the SQLite database, datasets and experiment checkpoints live.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>Plugin folder (one subfolder per plugin). Empty means the "plugins" folder beside the executable.</summary>
    public string PluginsFolder { get; set; } = "";

    public string ResolvedPluginsFolder =>
        string.IsNullOrWhiteSpace(PluginsFolder) ? Path.Combine(AppContext.BaseDirectory, "plugins") : Path.GetFullPath(PluginsFolder);

    public string ResolvedDataFolder => Path.GetFullPath(DataFolder);

    public string ExperimentFolder(Guid experimentId) => Path.Combine(ResolvedDataFolder, "experiments", experimentId.ToString("N"));
}
