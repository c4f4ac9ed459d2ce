namespace CaptionBoundaries.Ui.Experiments;

/// <summary>One editable model-config key=value row of the start form.</summary>
public sealed class ConfigRow
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
