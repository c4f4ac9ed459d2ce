using System.Text.Json;
using System.Text.Json.Nodes;

namespace CaptionBoundaries.Bench.Load;

/// <summary>
/// An Open Inference Protocol (KServe v2) inference request, written from the protocol's text rather than from our
/// server: <c>{"inputs": [{"name", "datatype", "shape", "data"}, …]}</c>, tensor data flattened in row-major order.
/// The images are BYTES tensors of shape [1] whose one element is the encoded file as a base64 string; the vectors are
/// FP32 tensors of shape [1, n] (a batch of one). The input names are the task's: frame1, frame2, ocr_viz,
/// spatial_features and, when the sample has one, caption_box.
/// </summary>
public static class OpenInferenceBody
{
    /// <summary>The v2 form of a REST predict body (<c>frame1</c>, <c>frame2</c>, <c>ocr_viz</c> as base64; <c>spatial_features</c>; optional <c>caption_box</c>).</summary>
    public static byte[] FromRestBody(byte[] restJson)
    {
        using var document = JsonDocument.Parse(restJson);
        var rest = document.RootElement;
        var inputs = new JsonArray();
        foreach (var name in new[] { "frame1", "frame2", "ocr_viz" })
        {
            var base64 = rest.TryGetProperty(name, out var image) && image.ValueKind == JsonValueKind.String
                ? image.GetString()!
                : throw new ArgumentException($"The request body has no base64 '{name}'.");
            inputs.Add(Tensor(name, "BYTES", [1], new JsonArray(base64)));
        }
        foreach (var name in new[] { "spatial_features", "caption_box" })
        {
            if (!rest.TryGetProperty(name, out var vector) || vector.ValueKind != JsonValueKind.Array) continue;
            var values = new JsonArray(vector.EnumerateArray().Select(v => (JsonNode?)JsonValue.Create(v.GetSingle())).ToArray());
            inputs.Add(Tensor(name, "FP32", [1, values.Count], values));
        }
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["inputs"] = inputs });
    }

    private static JsonObject Tensor(string name, string datatype, int[] shape, JsonArray data) => new()
    {
        ["name"] = name,
        ["datatype"] = datatype,
        ["shape"] = new JsonArray(shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
        ["data"] = data,
    };
}
