namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>
/// One point of a run's metric series, keyed by name and step (MLflow's metric model). Native runs write their per-step
/// train loss here; per-epoch results stay in <see cref="EpochMetric"/>. NaN is stored as a flag because SQLite turns
/// a NaN REAL into NULL.
/// </summary>
public sealed class RunMetric
{
    public long Id { get; set; }
    public Guid ExperimentId { get; set; }
    public required string Key { get; set; }
    public double Value { get; set; }
    public bool IsNaN { get; set; }

    /// <summary>Milliseconds since the Unix epoch, as the client gave it.</summary>
    public long TimestampMs { get; set; }

    public long Step { get; set; }
}
