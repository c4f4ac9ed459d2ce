namespace CaptionBoundaries.Domain.Tracking.Search;

/// <summary>
/// A run as a search filter sees it: its attributes in MLflow's terms (times in Unix milliseconds, status as
/// RUNNING/SCHEDULED/FINISHED/FAILED/KILLED), the latest value of each metric, its params and tags.
/// </summary>
public sealed record SearchableRun(
    string RunId,
    string RunName,
    string Status,
    string UserId,
    string ArtifactUri,
    long StartTime,
    long? EndTime,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, string> Tags);
