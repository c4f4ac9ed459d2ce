using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>
/// Open Inference Protocol request bodies as the protocol's text describes them, built from a dataset's files: JSON
/// (BYTES elements base64) or the binary tensor data extension. Tests mutate them to make hostile ones.
/// </summary>
public static class V2Requests
{
    /// <summary>A JSON inference request for dataset samples: images as BYTES [N] base64, spatial_features and caption_box FP32.</summary>
    public static JsonObject Json(InferenceProtocolFixture fx, params int[] samples)
    {
        var n = samples.Length;
        var inputs = new JsonArray();
        foreach (var field in new[] { TaskSpec.Frame1, TaskSpec.Frame2, TaskSpec.OcrViz })
            inputs.Add(Tensor(field, "BYTES", [n], samples.Select(s => (JsonNode?)Convert.ToBase64String(File.ReadAllBytes(fx.ImagePath(s, field))))));
        inputs.Add(Tensor(TaskSpec.SpatialFeatures, "FP32", [n, 20], samples.SelectMany(s => fx.Manifest.Samples[s].SpatialFeatures).Select(v => (JsonNode?)v)));
        inputs.Add(Tensor("caption_box", "FP32", [n, 4],
            samples.SelectMany(s => fx.Manifest.Samples[s].CaptionBox ?? [0, 0, 0, 0]).Select(v => (JsonNode?)v)));
        return new JsonObject { ["inputs"] = inputs };
    }

    public static JsonObject Tensor(string name, string datatype, long[] shape, IEnumerable<JsonNode?> data) => new()
    {
        ["name"] = name,
        ["datatype"] = datatype,
        ["shape"] = new JsonArray(shape.Select(d => (JsonNode?)d).ToArray()),
        ["data"] = new JsonArray(data.ToArray()),
    };

    /// <summary>The input named <paramref name="name"/> of a request.</summary>
    public static JsonObject Input(JsonObject request, string name) =>
        request["inputs"]!.AsArray().Select(i => i!.AsObject()).Single(i => (string?)i["name"] == name);

    public static StringContent Content(JsonNode request) => new(request.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>The binary tensor data extension: the JSON object, then the blobs; its length in Inference-Header-Content-Length.</summary>
    public static ByteArrayContent Binary(JsonNode header, params byte[][] blobs) => Binary(header, null, blobs);

    /// <param name="headerLength">A declared header length other than the real one (hostile requests).</param>
    public static ByteArrayContent Binary(JsonNode header, string? headerLength, params byte[][] blobs)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var content = new ByteArrayContent([.. json, .. blobs.SelectMany(b => b)]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", headerLength ?? json.Length.ToString());
        return content;
    }

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>BYTES in binary form: each element preceded by its length (4 bytes, little-endian).</summary>
    public static byte[] Elements(params byte[][] elements) => elements.SelectMany(e => BitConverter.GetBytes((uint)e.Length).Concat(e)).ToArray();

    /// <summary>The body of an answer that must be the protocol's error object: exactly {"error": "…"}, with this status.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        var root = JsonDocument.Parse(text).RootElement;
        Assert.True(root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Count() == 1
                    && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String,
            $"not the protocol's error object: {text}");
        return root.GetProperty("error").GetString()!;
    }

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
