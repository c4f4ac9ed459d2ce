using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaptionBoundaries.Host.Api.InferenceProtocol;

/// <summary>
/// The REST wire records of the Open Inference Protocol (KServe predict protocol v2), field for field as its text gives
/// them. Names are case-sensitive, as the protocol says; absent optional fields are left out of answers.
/// </summary>
public static class InferenceJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A request is data, never code: no comments, no trailing commas, and not deeper than a tensor needs.
        MaxDepth = 32,
    };

    public sealed record ServerMetadata(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("version")] string Version,
        [property: JsonPropertyName("extensions")] IReadOnlyList<string> Extensions);

    public sealed record ServerLive([property: JsonPropertyName("live")] bool Live);

    public sealed record ServerReady(
        [property: JsonPropertyName("ready")] bool Ready,
        [property: JsonPropertyName("error")] string? Error = null);

    /// <summary>Model ready; a model that is not ready also says why (the status is 400 then, as the protocol's health rule asks).</summary>
    public sealed record ModelReady(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("ready")] bool Ready,
        [property: JsonPropertyName("error")] string? Error = null);

    public sealed record MetadataTensor(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("datatype")] string Datatype,
        [property: JsonPropertyName("shape")] long[] Shape);

    public sealed record ModelMetadata(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("versions")] IReadOnlyList<string> Versions,
        [property: JsonPropertyName("platform")] string Platform,
        [property: JsonPropertyName("inputs")] IReadOnlyList<MetadataTensor> Inputs,
        [property: JsonPropertyName("outputs")] IReadOnlyList<MetadataTensor> Outputs);

    public sealed record Error([property: JsonPropertyName("error")] string Message);

    public sealed class Request
    {
        [JsonPropertyName("id")] public string? Id { get; set; }
        [JsonPropertyName("parameters")] public Dictionary<string, JsonElement>? Parameters { get; set; }
        [JsonPropertyName("inputs")] public List<RequestInput?>? Inputs { get; set; }
        [JsonPropertyName("outputs")] public List<RequestOutput?>? Outputs { get; set; }
    }

    public sealed class RequestInput
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("shape")] public long[]? Shape { get; set; }
        [JsonPropertyName("datatype")] public string? Datatype { get; set; }
        [JsonPropertyName("parameters")] public Dictionary<string, JsonElement>? Parameters { get; set; }
        [JsonPropertyName("data")][JsonConverter(typeof(TensorDataConverter))] public TensorData? Data { get; set; }
    }

    public sealed class RequestOutput
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("parameters")] public Dictionary<string, JsonElement>? Parameters { get; set; }
    }

    public sealed record Response(
        [property: JsonPropertyName("model_name")] string ModelName,
        [property: JsonPropertyName("model_version")] string ModelVersion,
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("outputs")] IReadOnlyList<ResponseOutput> Outputs);

    /// <summary><see cref="Data"/> is the flattened values (numbers, or strings for BYTES); left out when the tensor travels as binary.</summary>
    public sealed record ResponseOutput(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("datatype")] string Datatype,
        [property: JsonPropertyName("shape")] long[] Shape,
        [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, object>? Parameters,
        [property: JsonPropertyName("data")] object? Data);
}
