using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CaptionBoundaries.Tests.Serving.V2Requests;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>
/// /v2 as an attacker with a viewer's token sends it: every malformed shape, datatype and size is a 400 in the protocol's
/// error shape naming the input; other users' private models are "not found"; no token is 401; nothing stored changes and
/// the server keeps answering.
/// </summary>
[Collection(InferenceProtocolCollection.Name)]
public sealed class InferenceProtocolAbuseTests(InferenceProtocolFixture fx, Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Model = InferenceProtocolFixture.Model;

    /// <summary>A request of one good sample with one change; the answer must be 400 naming <c>expect</c>.</summary>
    public static TheoryData<string, string> Malformed => new()
    {
        { "frame1 INT64", "frame1" },
        { "spatial_features BYTES", "spatial_features" },
        { "frame1 FP32 rank 3", "frame1" },
        { "spatial_features 19 values", "spatial_features" },
        { "spatial_features [1, 21]", "spatial_features" },
        { "frame2 holds 2 samples", "frame2" },
        { "65 samples", "Limits:MaxPredictSamples" },
        { "frame1 over the pixel cap", "frame1" },
        { "frame1 pixel 1.5", "frame1" },
        { "spatial_features 1e39", "spatial_features" },
        { "font_embedding NaN binary", "font_embedding" },
        { "unknown input", "frame3" },
        { "missing frame2", "frame2" },
        { "frame1 twice", "frame1" },
        { "frame1 data is an object", "frame1" },
        { "frame1 not base64", "frame1" },
        { "frame1 not an image", "frame1" },
        { "frame1 PNG header 5000 x 5000", "frame1" },
        { "negative dimension", "spatial_features" },
        { "dimension past int64 products", "spatial_features" },
        { "binary_data_size past the body", "frame1" },
        { "binary_data_size negative", "frame1" },
        { "BYTES element length past its data", "frame1" },
        { "header length past the body", "Inference-Header-Content-Length" },
        { "header length 0", "Inference-Header-Content-Length" },
        { "header length not a number", "Inference-Header-Content-Length" },
        { "bytes after the last input", "Inference-Header-Content-Length" },
        { "data and binary_data_size", "frame1" },
        { "unknown output", "outputs" },
        { "routing_key a number", "routing_key" },
        { "routing_key 300 characters", "routing_key" },
        { "malformed JSON", "inference request" },
        { "empty body", "inference request" },
        { "no inputs", "inputs" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_request_is_400_naming_what_is_wrong(string variant, string expect)
    {
        var before = await FingerprintAsync();
        using var viewer = fx.Client(fx.ViewerToken);
        using var response = await viewer.PostAsync($"/v2/models/{Model}/infer", Body(variant));
        var error = await ErrorAsync(response, HttpStatusCode.BadRequest);
        output.WriteLine(error);
        Assert.Contains(expect, error);
        Assert.Equal(before, await FingerprintAsync());
        // The server still answers a good request.
        Assert.Equal("1", (await OkAsync(await viewer.PostAsync($"/v2/models/{Model}/infer", Content(Json(fx, 0))))).GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task Another_users_private_model_is_not_found_on_every_route_exactly_like_a_missing_one()
    {
        const string model = InferenceProtocolFixture.Private;
        var routes = new (string Method, string Path)[]
        {
            ("GET", "/v2/models/{0}"), ("GET", "/v2/models/{0}/versions/1"), ("GET", "/v2/models/{0}/ready"),
            ("GET", "/v2/models/{0}/versions/1/ready"), ("POST", "/v2/models/{0}/infer"), ("POST", "/v2/models/{0}/versions/1/infer"),
        };
        foreach (var token in new[] { fx.ViewerToken, fx.CarolToken })
        {
            using var other = fx.Client(token);
            foreach (var (method, path) in routes)
            {
                var hidden = await ErrorAsync(await Send(other, method, string.Format(path, model)), HttpStatusCode.NotFound);
                var missing = await ErrorAsync(await Send(other, method, string.Format(path, "no-such-model")), HttpStatusCode.NotFound);
                Assert.Equal(missing.Replace("no-such-model", model), hidden);
            }
        }
        // Its owner and admins are served.
        foreach (var token in new[] { fx.BobToken, fx.AdminToken })
        {
            using var allowed = fx.Client(token);
            Assert.Equal(HttpStatusCode.OK, (await allowed.GetAsync($"/v2/models/{model}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await allowed.GetAsync($"/v2/models/{model}/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Send(allowed, "POST", $"/v2/models/{model}/infer")).StatusCode);
        }
    }

    /// <summary>
    /// Every /v2 route from the routing table × {no token, a forged token, a viewer} × {malformed, hostile, empty} bodies (GETs:
    /// hostile query strings): below 500, every refusal in the protocol's error shape, the callers without an account
    /// refused with 401 (the health probes answer anyone), nothing stored changed.
    /// </summary>
    [Fact]
    public async Task Every_v2_route_refuses_hostile_callers_in_the_protocols_error_shape_without_a_5xx_or_a_change()
    {
        var routes = fx.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v2", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Pattern: e.RoutePattern.RawText!)))
            .ToList();
        Assert.Equal(9, routes.Count);
        var bodies = new[]
        {
            """{ "inputs": [ { "name": "frame1", "datatype": "BYTES", "shape": [1], "data": [ unterminated""",
            """{ "id": "x", "parameters": { "routing_key": { "$ne": 1 } }, "inputs": [ { "name": "../../etc/passwd", "datatype": "FP32", "shape": [-1, 9223372036854775807], "data": "/dev/zero" } ], "outputs": [ { "name": "/etc/shadow" } ] }""",
            "",
        };
        var before = await FingerprintAsync();
        var violations = new List<string>();
        foreach (var (caller, token) in new (string, string?)[] { ("anonymous", null), ("forged", "cbt_forged"), ("viewer", fx.ViewerToken) })
        {
            using var client = fx.Client(token);
            foreach (var (method, pattern) in routes)
            {
                var url = pattern.Replace("{model}", Model).Replace("{version}", "1");
                foreach (var body in method == "GET" ? [null] : bodies.Cast<string?>())
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), method == "GET" ? url + "?version=../../x&limit=-1" : url);
                    if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    using var response = await client.SendAsync(request);
                    var status = (int)response.StatusCode;
                    var text = await response.Content.ReadAsStringAsync();
                    var at = $"{caller} {method} {pattern} -> {status}: {(text.Length > 200 ? text[..200] : text)}";
                    if (status >= 500) violations.Add(at);
                    if (status >= 400 && !IsError(text)) violations.Add("not {\"error\"}: " + at);
                    if (caller != "viewer" && !pattern.StartsWith("/v2/health") && status != 401) violations.Add("expected 401: " + at);
                    if (caller == "viewer" && method == "POST" && status != 400) violations.Add("expected 400: " + at);
                }
            }
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        Assert.Equal(before, await FingerprintAsync());
    }

    private static bool IsError(string text)
    {
        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private Task<HttpResponseMessage> Send(HttpClient client, string method, string url) =>
        method == "GET" ? client.GetAsync(url) : client.PostAsync(url, Content(Json(fx, 0)));

    /// <summary>What a refused request must not change: versions, registry changes, accounts, tokens.</summary>
    private async Task<string> FingerprintAsync()
    {
        await using var scope = fx.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        return string.Join(",", await db.ModelVersions.CountAsync(), await db.ModelChanges.CountAsync(), await db.ModelVersions.CountAsync(v => v.Archived),
            await db.Users.CountAsync(), await db.ApiTokens.CountAsync(), await db.ModelAccess.CountAsync(a => a.IsPrivate));
    }

    private HttpContent Body(string variant)
    {
        var request = Json(fx, 0);
        JsonObject In(string name) => Input(request, name);
        var inputs = request["inputs"]!.AsArray();
        var png = File.ReadAllBytes(fx.ImagePath(0, TaskSpec.Frame1));
        switch (variant)
        {
            case "frame1 INT64":
                In(TaskSpec.Frame1)["datatype"] = "INT64";
                break;
            case "spatial_features BYTES":
                In(TaskSpec.SpatialFeatures)["datatype"] = "BYTES";
                In(TaskSpec.SpatialFeatures)["data"] = new JsonArray(Convert.ToBase64String(new byte[80]));
                In(TaskSpec.SpatialFeatures)["shape"] = new JsonArray(1);
                break;
            case "frame1 FP32 rank 3":
                inputs[0] = Tensor(TaskSpec.Frame1, "FP32", [1, 3, 4], Enumerable.Range(0, 12).Select(_ => (JsonNode?)0.5f));
                break;
            case "spatial_features 19 values":
                In(TaskSpec.SpatialFeatures)["data"] = new JsonArray(Enumerable.Range(0, 19).Select(_ => (JsonNode?)0.1f).ToArray());
                break;
            case "spatial_features [1, 21]":
                In(TaskSpec.SpatialFeatures)["data"] = new JsonArray(Enumerable.Range(0, 21).Select(_ => (JsonNode?)0.1f).ToArray());
                In(TaskSpec.SpatialFeatures)["shape"] = new JsonArray(1, 21);
                break;
            case "frame2 holds 2 samples":
                inputs[1] = Json(fx, 0, 1)["inputs"]![1]!.DeepClone();
                break;
            case "65 samples":
                request = Json(fx, Enumerable.Repeat(0, 65).ToArray());
                break;
            case "frame1 over the pixel cap":
                inputs[0] = Tensor(TaskSpec.Frame1, "FP32", [1, 3, 4097, 4097], [0.5f]);
                break;
            case "frame1 pixel 1.5":
                inputs[0] = Tensor(TaskSpec.Frame1, "FP32", [1, 3, 2, 2], Enumerable.Range(0, 12).Select(i => (JsonNode?)(i == 7 ? 1.5f : 0.5f)));
                break;
            case "spatial_features 1e39":
                // Past float's range: read as infinity, which is not a finite number.
                In(TaskSpec.SpatialFeatures)["data"] = JsonNode.Parse("[1e39" + string.Concat(Enumerable.Repeat(", 0.5", 19)) + "]");
                break;
            case "font_embedding NaN binary":
                {
                    var embedding = Enumerable.Repeat(0.25f, 64).ToArray();
                    embedding[10] = float.NaN;
                    var blob = Floats(embedding);
                    inputs.Add(new JsonObject
                    {
                        ["name"] = TaskSpec.FontEmbedding,
                        ["datatype"] = "FP32",
                        ["shape"] = new JsonArray(1, 64),
                        ["parameters"] = new JsonObject { ["binary_data_size"] = blob.Length },
                    });
                    return Binary(request, blob);
                }
            case "unknown input":
                inputs.Add(Tensor("frame3", "FP32", [1, 1], [0f]));
                break;
            case "missing frame2":
                inputs.RemoveAt(1);
                break;
            case "frame1 twice":
                inputs.Add(inputs[0]!.DeepClone());
                break;
            case "frame1 data is an object":
                In(TaskSpec.Frame1)["data"] = new JsonArray(new JsonObject { ["path"] = "/etc/passwd" });
                break;
            case "frame1 not base64":
                In(TaskSpec.Frame1)["data"] = new JsonArray("/etc/passwd");
                break;
            case "frame1 not an image":
                In(TaskSpec.Frame1)["data"] = new JsonArray(Convert.ToBase64String(Encoding.UTF8.GetBytes("GIF89a but not really an image at all")));
                break;
            case "frame1 PNG header 5000 x 5000":
                In(TaskSpec.Frame1)["data"] = new JsonArray(Convert.ToBase64String(HugePngHeader(5000, 5000)));
                break;
            case "negative dimension":
                In(TaskSpec.SpatialFeatures)["shape"] = new JsonArray(1, -20);
                break;
            case "dimension past int64 products":
                In(TaskSpec.SpatialFeatures)["shape"] = new JsonArray(1, long.MaxValue, long.MaxValue);
                break;
            case "binary_data_size past the body":
                return BinaryFrame1(request, 1L << 40, Elements(png));
            case "binary_data_size negative":
                return BinaryFrame1(request, -4, Elements(png));
            case "BYTES element length past its data":
                {
                    var blob = Elements(png);
                    BinaryPrimitives.WriteUInt32LittleEndian(blob, uint.MaxValue);
                    return BinaryFrame1(request, blob.Length, blob);
                }
            case "header length past the body":
                return Binary(request, "99999999");
            case "header length 0":
                return Binary(request, "0");
            case "header length not a number":
                return Binary(request, "12abc");
            case "bytes after the last input":
                return Binary(request, new byte[] { 1, 2, 3 });
            case "data and binary_data_size":
                In(TaskSpec.Frame1)["parameters"] = new JsonObject { ["binary_data_size"] = 4 };
                return Binary(request, new byte[4]);
            case "unknown output":
                request["outputs"] = new JsonArray(new JsonObject { ["name"] = "logits" });
                break;
            case "routing_key a number":
                request["parameters"] = new JsonObject { ["routing_key"] = 7 };
                break;
            case "routing_key 300 characters":
                request["parameters"] = new JsonObject { ["routing_key"] = new string('k', 300) };
                break;
            case "malformed JSON":
                return new StringContent("""{ "inputs": [ { "name": "frame1", """, Encoding.UTF8, "application/json");
            case "empty body":
                return new StringContent("", Encoding.UTF8, "application/json");
            case "no inputs":
                request["inputs"] = new JsonArray();
                break;
            default:
                throw new ArgumentException(variant);
        }
        return Content(request);
    }

    /// <summary>frame1 moved to the binary part with a declared size (which may be a lie).</summary>
    private static HttpContent BinaryFrame1(JsonObject request, long declaredSize, byte[] blob)
    {
        var frame1 = Input(request, TaskSpec.Frame1);
        frame1.Remove("data");
        frame1["parameters"] = new JsonObject { ["binary_data_size"] = declaredSize };
        return Binary(request, blob);
    }

    /// <summary>A PNG whose header claims a size over the pixel cap, with no pixels: the server must refuse it from the header.</summary>
    private static byte[] HugePngHeader(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        void Chunk(string type, byte[] data)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            png.Write(length);
            var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            png.Write(typed);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
            png.Write(crc);
        }
        Chunk("IHDR", ihdr);
        Chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk("IEND", []);
        return png.ToArray();
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
