namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>A tag on a run: a key and a value, editable by the run's owner (and set by MLflow clients).</summary>
public sealed class RunTag
{
    public Guid ExperimentId { get; set; }
    public required string Key { get; set; }
    public required string Value { get; set; }
}
