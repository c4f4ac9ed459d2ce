using CaptionBoundaries.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Tests.Cli;

/// <summary>
/// A real Kestrel server on a free loopback port that answers POST /api/models/{model}/predict the way serving does
/// (200 with model, version, predicted_class, confidence), or with a fixed error status. Hooks run inside the handler
/// after the n-th answer, so a test can stop the node or switch the version at a request count rather than a time.
/// </summary>
public sealed class PredictStubNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _served;

    private PredictStubNode(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }
    public int Served => Volatile.Read(ref _served);

    /// <summary>Open Inference Protocol requests refused for breaking the protocol's rules.</summary>
    public int V2Refused => Volatile.Read(ref _v2Refused);

    private int _v2Refused;
    public int Version { get; set; } = 1;
    public int Status { get; init; } = 200;
    public string? LastAuthorization { get; private set; }

    /// <summary>Run after the answer with this count has been written (once).</summary>
    public Dictionary<int, Action<PredictStubNode>> After { get; } = new();

    public static async Task<PredictStubNode> StartAsync(int status = 200)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        // Stopping should be quick: in-flight requests finish, then the port is closed.
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(5));
        var app = builder.Build();
        var node = new PredictStubNode(app, url) { Status = status };
        app.MapPost("/api/models/{model}/predict", async (string model, HttpContext http) =>
        {
            node.LastAuthorization = http.Request.Headers.Authorization.ToString();
            using (var reader = new StreamReader(http.Request.Body)) await reader.ReadToEndAsync();
            var n = Interlocked.Increment(ref node._served);
            IResult result = node.Status == 200
                ? Results.Json(new { model, version = node.Version, predicted_class = "same", confidence = 0.9 })
                : Results.Problem(title: "stub failure", statusCode: node.Status);
            if (node.After.TryGetValue(n, out var hook)) http.Response.OnCompleted(() => { hook(node); return Task.CompletedTask; });
            return result;
        });
        // The Open Inference Protocol's infer route, checked against the protocol's text (not against our server):
        // every input has a name, a datatype, a shape and data whose element count is the shape's product; BYTES
        // elements are base64 strings here (PNG or JPEG files); the task's inputs are all present. A body that breaks
        // a rule is answered 400 with the protocol's {"error": "..."} and counted in V2Refused.
        app.MapPost("/v2/models/{model}/infer", async (string model, HttpContext http) =>
        {
            node.LastAuthorization = http.Request.Headers.Authorization.ToString();
            using var document = await System.Text.Json.JsonDocument.ParseAsync(http.Request.Body);
            if (OpenInferenceProblem(document.RootElement) is { } problem)
            {
                Interlocked.Increment(ref node._v2Refused);
                return Results.Json(new { error = problem }, statusCode: 400);
            }
            var n = Interlocked.Increment(ref node._served);
            if (node.After.TryGetValue(n, out var hook)) http.Response.OnCompleted(() => { hook(node); return Task.CompletedTask; });
            return Results.Json(new
            {
                model_name = model,
                model_version = node.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                outputs = new[] { new { name = "probabilities", datatype = "FP32", shape = new[] { 1, 5 }, data = new[] { 0.6, 0.1, 0.1, 0.1, 0.1 } } },
            });
        });
        await app.StartAsync();
        return node;
    }

    /// <summary>What is wrong with an inference request by the protocol's rules and the task's inputs, or null.</summary>
    public static string? OpenInferenceProblem(System.Text.Json.JsonElement root)
    {
        if (root.ValueKind != System.Text.Json.JsonValueKind.Object || !root.TryGetProperty("inputs", out var inputs)
            || inputs.ValueKind != System.Text.Json.JsonValueKind.Array || inputs.GetArrayLength() == 0)
            return "the request needs a non-empty 'inputs' array";
        var seen = new Dictionary<string, long[]>();
        foreach (var input in inputs.EnumerateArray())
        {
            if (!input.TryGetProperty("name", out var name) || name.GetString() is not { Length: > 0 } n) return "an input has no name";
            if (!input.TryGetProperty("datatype", out var datatype) || datatype.GetString() is not { } type) return $"input '{n}' has no datatype";
            if (!input.TryGetProperty("shape", out var shape) || shape.ValueKind != System.Text.Json.JsonValueKind.Array) return $"input '{n}' has no shape";
            if (!input.TryGetProperty("data", out var data) || data.ValueKind != System.Text.Json.JsonValueKind.Array) return $"input '{n}' has no data array";
            var dims = shape.EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (dims.Aggregate(1L, (a, b) => a * b) != data.GetArrayLength()) return $"input '{n}': shape [{string.Join(",", dims)}] does not match {data.GetArrayLength()} elements";
            foreach (var element in data.EnumerateArray())
            {
                if (type == "BYTES")
                {
                    var bytes = element.ValueKind == System.Text.Json.JsonValueKind.String ? TryBase64(element.GetString()!) : null;
                    if (bytes is null || !(bytes.AsSpan().StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47]) || bytes.AsSpan().StartsWith((byte[])[0xFF, 0xD8, 0xFF])))
                        return $"input '{n}': a BYTES element is not a base64 PNG or JPEG";
                }
                else if (type == "FP32" && element.ValueKind != System.Text.Json.JsonValueKind.Number) return $"input '{n}': FP32 data must be numbers";
            }
            seen[n] = dims;
        }
        foreach (var image in new[] { "frame1", "frame2", "ocr_viz" })
            if (!seen.TryGetValue(image, out var dims) || !dims.SequenceEqual([1L])) return $"input '{image}' must be BYTES of shape [1]";
        if (!seen.TryGetValue("spatial_features", out var spatial) || !spatial.SequenceEqual([1L, 20L])) return "input 'spatial_features' must be FP32 of shape [1, 20]";
        return null;
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>Stops the node as a process stop would: in-flight answers finish, then the port refuses connections.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>Stops from inside a request without waiting on it (the request being answered is in flight).</summary>
    public void StopInBackground() => _ = Task.Run(StopAsync);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
