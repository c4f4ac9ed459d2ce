namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>A parameter logged on a run from outside (MLflow's log-parameter). Written once: a different value later is refused.</summary>
public sealed class RunParam
{
    public Guid ExperimentId { get; set; }
    public required string Key { get; set; }
    public required string Value { get; set; }
}
