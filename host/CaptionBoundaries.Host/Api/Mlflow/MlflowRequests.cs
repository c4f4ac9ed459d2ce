using System.Text.Json;
using CaptionBoundaries.Application.Features.Mlflow;

namespace CaptionBoundaries.Host.Api.Mlflow;

// Request bodies of the MLflow REST API (REST API reference, "Request Structure" of each call), read in snake_case.
// Every field is optional here so that a missing one is refused by the use case naming it, not by the JSON reader.

public sealed record CreateExperimentBody(string? Name, string? ArtifactLocation, List<MlflowKeyValue>? Tags);

public sealed record ExperimentChangeBody(string? ExperimentId, string? NewName, string? Key, string? Value);

public sealed record SearchExperimentsBody(int? MaxResults, string? PageToken, string? Filter, List<string>? OrderBy, JsonElement? ViewType);

public sealed record CreateRunBody(string? ExperimentId, string? UserId, string? RunName, long? StartTime, List<MlflowKeyValue>? Tags);

public sealed record RunChangeBody(string? RunId, string? RunUuid, string? Status, long? EndTime, string? RunName)
{
    public string? Id => RunId ?? RunUuid;
}

public sealed record LogMetricBody(string? RunId, string? RunUuid, string? Key, double? Value, long? Timestamp, long? Step)
{
    public string? Id => RunId ?? RunUuid;
}

public sealed record LogValueBody(string? RunId, string? RunUuid, string? Key, string? Value)
{
    public string? Id => RunId ?? RunUuid;
}

public sealed record MetricBody(string? Key, double? Value, long? Timestamp, long? Step);

public sealed record LogBatchBody(string? RunId, List<MetricBody>? Metrics, List<MlflowKeyValue>? Params, List<MlflowKeyValue>? Tags);

public sealed record SearchRunsBody(
    List<string>? ExperimentIds, string? Filter, JsonElement? RunViewType, int? MaxResults, List<string>? OrderBy, string? PageToken);

public sealed record CreateRegisteredModelBody(string? Name, string? Description, List<MlflowKeyValue>? Tags);

public sealed record SearchRegisteredModelsBody(string? Filter, int? MaxResults, List<string>? OrderBy, string? PageToken);

public sealed record CreateModelVersionBody(string? Name, string? Source, string? RunId, string? Description, List<MlflowKeyValue>? Tags);

public sealed record SetAliasBody(string? Name, string? Alias, string? Version);
