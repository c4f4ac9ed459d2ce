namespace CaptionBoundaries.Domain.Tracking;

/// <summary>Stored as text so rows stay readable in any SQL client.</summary>
public enum ExperimentStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}
