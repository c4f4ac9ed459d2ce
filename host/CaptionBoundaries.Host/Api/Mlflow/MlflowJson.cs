using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CaptionBoundaries.Host.Api.Mlflow;

/// <summary>
/// MLflow's JSON: snake_case field names, unset fields left out, NaN and infinities as MLflow clients send them, and
/// int64 fields accepted as strings (proto3's JSON mapping writes them so).
/// </summary>
public static class MlflowJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        MaxDepth = 16,
    };

    public const string TrackingPrefix = "/api/2.0/mlflow";
    public const string ArtifactsPrefix = "/api/2.0/mlflow-artifacts";

    public static bool IsMlflowPath(PathString path) =>
        path.StartsWithSegments(TrackingPrefix, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(ArtifactsPrefix, StringComparison.OrdinalIgnoreCase);

    public static JsonHttpResult<T> Ok<T>(T value) => TypedResults.Json(value, Options);

    /// <summary>MLflow answers a call that returns nothing with an empty object.</summary>
    public static JsonHttpResult<object> Empty() => TypedResults.Json<object>(new { }, Options);

    /// <summary>A POST body in MLflow's JSON; a body that is not JSON of that shape is refused as MLflow refuses it.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, Options, ct)
                ?? throw new MlflowException(StatusCodes.Status400BadRequest, "MALFORMED_REQUEST", "The request body is empty; send a JSON object.");
        }
        catch (JsonException e)
        {
            throw new MlflowException(StatusCodes.Status400BadRequest, "MALFORMED_REQUEST", $"The request body is not valid JSON for this call: {e.Message}");
        }
    }
}

/// <summary>A refusal in MLflow's own terms (its error_code), raised at the MLflow edge only.</summary>
public sealed class MlflowException(int status, string errorCode, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string ErrorCode { get; } = errorCode;
}
