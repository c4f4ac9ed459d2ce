namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// A named folder of runs: what MLflow calls an experiment. The project's own word "experiment" is one run (see
/// <see cref="Experiment"/>), so MLflow's experiments are stored under this name. Group 0, "Default", is not stored:
/// every run without a group (all native runs) belongs to it.
/// </summary>
public sealed class RunGroup
{
    public const long DefaultId = 0;
    public const string DefaultName = "Default";
    public const string Active = "active";
    public const string Deleted = "deleted";

    public long Id { get; set; }
    public required string Name { get; set; }
    public required string ArtifactLocation { get; set; }

    /// <summary>"active" or "deleted" (MLflow's lifecycle stage).</summary>
    public string LifecycleStage { get; set; } = Active;

    public required string Owner { get; set; }

    /// <summary>JSON object of tag key -> value.</summary>
    public string TagsJson { get; set; } = "{}";

    public DateTime CreatedAtUtc { get; set; }
    public DateTime LastUpdatedAtUtc { get; set; }
}
