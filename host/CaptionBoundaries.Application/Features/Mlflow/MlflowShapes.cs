using CaptionBoundaries.Domain.Tracking;

namespace CaptionBoundaries.Application.Features.Mlflow;

// The MLflow REST API's entities (REST API reference, "Data Structures"), field for field. The edge writes them in
// snake_case; times are Unix milliseconds; ids are strings.

public sealed record MlflowKeyValue(string Key, string Value);

public sealed record MlflowExperiment(
    string ExperimentId, string Name, string ArtifactLocation, string LifecycleStage, long LastUpdateTime, long CreationTime,
    IReadOnlyList<MlflowKeyValue> Tags);

public sealed record MlflowMetric(string Key, double Value, long Timestamp, long Step);

public sealed record MlflowRunInfo(
    string RunId, string RunUuid, string RunName, string ExperimentId, string UserId, string Status, long StartTime, long? EndTime,
    string ArtifactUri, string LifecycleStage);

public sealed record MlflowRunData(IReadOnlyList<MlflowMetric> Metrics, IReadOnlyList<MlflowKeyValue> Params, IReadOnlyList<MlflowKeyValue> Tags);

public sealed record MlflowRun(MlflowRunInfo Info, MlflowRunData Data);

public sealed record MlflowFileInfo(string Path, bool IsDir, long? FileSize);

public sealed record MlflowModelVersion(
    string Name, string Version, long CreationTimestamp, long LastUpdatedTimestamp, string CurrentStage, string Description,
    string Source, string RunId, string Status, string UserId, IReadOnlyList<string> Aliases);

public sealed record MlflowAlias(string Alias, string Version);

public sealed record MlflowRegisteredModel(
    string Name, long CreationTimestamp, long LastUpdatedTimestamp, string Description, IReadOnlyList<MlflowModelVersion> LatestVersions,
    IReadOnlyList<MlflowAlias> Aliases, IReadOnlyList<MlflowKeyValue> Tags);

/// <summary>MLflow's run statuses and the project's, one to one.</summary>
public static class MlflowRunStatus
{
    public static string Of(Domain.Tracking.ExperimentStatus status) => status switch
    {
        Domain.Tracking.ExperimentStatus.Queued => "SCHEDULED",
        Domain.Tracking.ExperimentStatus.Running => "RUNNING",
        Domain.Tracking.ExperimentStatus.Completed => "FINISHED",
        Domain.Tracking.ExperimentStatus.Failed => "FAILED",
        _ => "KILLED",
    };

    public static Domain.Tracking.ExperimentStatus? Parse(string? status) => status?.ToUpperInvariant() switch
    {
        "SCHEDULED" => Domain.Tracking.ExperimentStatus.Queued,
        "RUNNING" => Domain.Tracking.ExperimentStatus.Running,
        "FINISHED" => Domain.Tracking.ExperimentStatus.Completed,
        "FAILED" => Domain.Tracking.ExperimentStatus.Failed,
        "KILLED" => Domain.Tracking.ExperimentStatus.Cancelled,
        _ => null,
    };
}
