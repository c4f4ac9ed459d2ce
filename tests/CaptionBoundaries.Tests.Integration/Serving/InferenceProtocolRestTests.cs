using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static CaptionBoundaries.Tests.Serving.V2Requests;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>Protocol conformance of every REST route under /v2: shapes, datatypes, metadata, version routing, readiness, error bodies.</summary>
[Collection(InferenceProtocolCollection.Name)]
public sealed class InferenceProtocolRestTests(InferenceProtocolFixture fx)
{
    private const string Model = InferenceProtocolFixture.Model;

    [Fact]
    public async Task Server_metadata_needs_an_account_and_health_answers_anyone()
    {
        using var viewer = fx.Client(fx.ViewerToken);
        var server = await OkAsync(await viewer.GetAsync("/v2"));
        Assert.Equal("caption-boundaries", server.GetProperty("name").GetString());
        Assert.False(string.IsNullOrWhiteSpace(server.GetProperty("version").GetString()));
        Assert.Contains("binary_tensor_data", server.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));

        using var anonymous = fx.Client(null);
        Assert.Contains("Authentication required", await ErrorAsync(await anonymous.GetAsync("/v2"), HttpStatusCode.Unauthorized));
        Assert.Contains("Authentication required", await ErrorAsync(await fx.Client("cbt_not-a-token").GetAsync("/v2"), HttpStatusCode.Unauthorized));
        Assert.True((await OkAsync(await anonymous.GetAsync("/v2/health/live"))).GetProperty("live").GetBoolean());
        Assert.True((await OkAsync(await anonymous.GetAsync("/v2/health/ready"))).GetProperty("ready").GetBoolean());
        var noRoute = await ErrorAsync(await viewer.GetAsync("/v2/no/such/route"), HttpStatusCode.NotFound);
        Assert.True(noRoute.Length > 0, noRoute);
    }

    [Fact]
    public async Task Model_metadata_lists_servable_versions_and_each_versions_own_input_size()
    {
        using var viewer = fx.Client(fx.ViewerToken);
        var metadata = await OkAsync(await viewer.GetAsync($"/v2/models/{Model}"));
        Assert.Equal(Model, metadata.GetProperty("name").GetString());
        // Version 3 is archived: it cannot be asked for, so it is not listed.
        Assert.Equal(["1", "2"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.False(string.IsNullOrWhiteSpace(metadata.GetProperty("platform").GetString()));
        Assert.Equal(
            ["frame1 FP32 [-1,3,32,32]", "frame2 FP32 [-1,3,32,32]", "ocr_viz FP32 [-1,3,32,32]", "spatial_features FP32 [-1,20]",
             "font_embedding FP32 [-1,64]", "caption_box FP32 [-1,4]"],
            Tensors(metadata.GetProperty("inputs")));
        Assert.Equal(["probabilities FP32 [-1,5]", "predicted_class BYTES [-1]"], Tensors(metadata.GetProperty("outputs")));

        var two = await OkAsync(await viewer.GetAsync($"/v2/models/{Model}/versions/2"));
        Assert.Equal("frame1 FP32 [-1,3,40,48]", Tensors(two.GetProperty("inputs"))[0]);
        Assert.Equal("frame1 FP32 [-1,3,32,32]", Tensors((await OkAsync(await viewer.GetAsync($"/v2/models/{Model}/versions/1"))).GetProperty("inputs"))[0]);

        Assert.Contains("archived", await ErrorAsync(await viewer.GetAsync($"/v2/models/{Model}/versions/3"), HttpStatusCode.NotFound));
        Assert.Contains("no version 9", await ErrorAsync(await viewer.GetAsync($"/v2/models/{Model}/versions/9"), HttpStatusCode.NotFound));
        Assert.Contains("no version 'latest'", await ErrorAsync(await viewer.GetAsync($"/v2/models/{Model}/versions/latest"), HttpStatusCode.NotFound));
        Assert.Contains("No model named 'nope'", await ErrorAsync(await viewer.GetAsync("/v2/models/nope"), HttpStatusCode.NotFound));
        Assert.Contains("model", await ErrorAsync(await viewer.GetAsync("/v2/models/Not_A..Name"), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_model_is_ready_once_a_version_is_switched_on_and_an_archived_version_never()
    {
        var model = "ready-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = fx.Client(fx.AdminToken);
        var checkpoint = CheckpointFactory.WriteTinyCnn(fx.Services.GetRequiredService<Domain.Plugins.PluginRegistry>(),
            Path.Combine(fx.DataFolder, "ckpt", model + ".pt"), 11);
        await OkOrCreated(await admin.PostAsJsonAsync($"/api/models/{model}/versions", new { checkpoint_path = checkpoint }));

        using var viewer = fx.Client(fx.ViewerToken);
        var before = await viewer.GetAsync($"/v2/models/{model}/ready");
        Assert.Equal(HttpStatusCode.BadRequest, before.StatusCode);
        var notReady = JsonDocument.Parse(await before.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(model, notReady.GetProperty("name").GetString());
        Assert.False(notReady.GetProperty("ready").GetBoolean());
        Assert.Contains("serves no version", notReady.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync($"/v2/models/{model}/versions/1/ready")).StatusCode);
        Assert.Contains("no active version", await ErrorAsync(await viewer.PostAsync($"/v2/models/{model}/infer", Content(Json(fx, 0))), HttpStatusCode.NotFound));
        // Metadata is there before anything serves: a client can prepare its requests.
        Assert.Equal(["1"], (await OkAsync(await viewer.GetAsync($"/v2/models/{model}"))).GetProperty("versions").EnumerateArray().Select(v => v.GetString()));

        await fx.SwitchAsync(model, 1);

        var after = await OkAsync(await viewer.GetAsync($"/v2/models/{model}/ready"));
        Assert.Equal(model, after.GetProperty("name").GetString());
        Assert.True(after.GetProperty("ready").GetBoolean());
        Assert.True((await OkAsync(await viewer.GetAsync($"/v2/models/{model}/versions/1/ready"))).GetProperty("ready").GetBoolean());
        Assert.Equal("1", (await OkAsync(await viewer.PostAsync($"/v2/models/{model}/infer", Content(Json(fx, 0))))).GetProperty("model_version").GetString());

        Assert.True((await OkAsync(await viewer.GetAsync($"/v2/models/{Model}/versions/2/ready"))).GetProperty("ready").GetBoolean());
        Assert.Contains("archived", await ErrorAsync(await viewer.GetAsync($"/v2/models/{Model}/versions/3/ready"), HttpStatusCode.NotFound));
        Assert.Contains("no version 4", await ErrorAsync(await viewer.GetAsync($"/v2/models/{Model}/versions/4/ready"), HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Infer_answers_probabilities_and_classes_in_the_protocols_shapes_with_the_request_id()
    {
        using var viewer = fx.Client(fx.ViewerToken);
        int[] samples = [0, 4, 9];
        var request = Json(fx, samples);
        request["id"] = "request-42";
        request["parameters"] = new JsonObject { ["routing_key"] = "customer-7" };
        // Data may be nested like the shape, as the protocol allows.
        var features = Input(request, TaskSpec.SpatialFeatures);
        features["data"] = new JsonArray(samples.Select(s => (JsonNode?)new JsonArray(fx.Manifest.Samples[s].SpatialFeatures.Select(v => (JsonNode?)v).ToArray())).ToArray());

        using var response = await viewer.PostAsync($"/v2/models/{Model}/infer", Content(request));
        var answer = await OkAsync(response);
        Assert.Equal(Model, answer.GetProperty("model_name").GetString());
        Assert.Equal("1", answer.GetProperty("model_version").GetString());
        Assert.Equal("request-42", answer.GetProperty("id").GetString());
        Assert.Equal("1", response.Headers.GetValues("X-Model-Version").Single());
        var outputs = answer.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["probabilities FP32 [3,5]", "predicted_class BYTES [3]"], Tensors(answer.GetProperty("outputs")));
        var probabilities = outputs[0].GetProperty("data").EnumerateArray().Select(p => p.GetSingle()).ToArray();
        var classes = outputs[1].GetProperty("data").EnumerateArray().Select(c => c.GetString()).ToArray();
        for (var i = 0; i < samples.Length; i++)
        {
            var expected = fx.Reference(1, samples[i]);
            AssertClose(expected, probabilities.AsSpan(i * 5, 5).ToArray());
            Assert.Equal(TaskSpec.Classes[Array.IndexOf(expected, expected.Max())], classes[i]);
        }

        // Without an id the answer has none; "outputs" picks the outputs and their order.
        var only = Json(fx, 2);
        only["outputs"] = new JsonArray(new JsonObject { ["name"] = "predicted_class" });
        var picked = await OkAsync(await viewer.PostAsync($"/v2/models/{Model}/infer", Content(only)));
        Assert.False(picked.TryGetProperty("id", out _));
        Assert.Equal(["predicted_class BYTES [1]"], Tensors(picked.GetProperty("outputs")));
    }

    [Fact]
    public async Task Binary_inputs_and_binary_outputs_follow_the_binary_tensor_data_extension()
    {
        using var viewer = fx.Client(fx.ViewerToken);
        int[] samples = [1, 6];
        var png = (string field) => Elements(samples.Select(s => File.ReadAllBytes(fx.ImagePath(s, field))).ToArray());
        var blobs = new[]
        {
            png(TaskSpec.Frame1), png(TaskSpec.Frame2), png(TaskSpec.OcrViz), Floats(samples.SelectMany(s => fx.Manifest.Samples[s].SpatialFeatures).ToArray()),
            Floats(samples.SelectMany(s => fx.Manifest.Samples[s].CaptionBox ?? [0, 0, 0, 0]).ToArray()),
        };
        var names = new[] { TaskSpec.Frame1, TaskSpec.Frame2, TaskSpec.OcrViz, TaskSpec.SpatialFeatures, "caption_box" };
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(names.Select((name, i) => (JsonNode?)new JsonObject
            {
                ["name"] = name,
                ["datatype"] = i < 3 ? "BYTES" : "FP32",
                ["shape"] = i < 3 ? new JsonArray(2) : new JsonArray(2, i == 3 ? 20 : 4),
                ["parameters"] = new JsonObject { ["binary_data_size"] = blobs[i].Length },
            }).ToArray()),
            // One output binary, the other in JSON: binary_data on an output overrides the request's default.
            ["outputs"] = new JsonArray(
                new JsonObject { ["name"] = "probabilities", ["parameters"] = new JsonObject { ["binary_data"] = true } },
                new JsonObject { ["name"] = "predicted_class" }),
        };
        using var response = await viewer.PostAsync($"/v2/models/{Model}/versions/2/infer", Binary(header, blobs));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(body));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var headerLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single());
        var json = JsonDocument.Parse(body.AsMemory(0, headerLength)).RootElement;
        Assert.Equal("2", json.GetProperty("model_version").GetString());
        var outputs = json.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(40, outputs[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.False(outputs[0].TryGetProperty("data", out _));
        Assert.Equal(2, outputs[1].GetProperty("data").GetArrayLength());
        Assert.Equal(headerLength + 40, body.Length);
        for (var i = 0; i < samples.Length; i++)
        {
            var actual = Enumerable.Range(0, 5).Select(k => BitConverter.ToSingle(body, headerLength + (i * 5 + k) * 4)).ToArray();
            AssertClose(fx.Reference(2, samples[i]), actual);
        }
    }

    [Fact]
    public async Task A_version_in_the_path_answers_with_that_version_and_an_archived_or_unknown_one_is_404()
    {
        using var viewer = fx.Client(fx.ViewerToken);
        foreach (var version in new[] { 2, 1 })
        {
            var answer = await OkAsync(await viewer.PostAsync($"/v2/models/{Model}/versions/{version}/infer", Content(Json(fx, 3))));
            Assert.Equal(version.ToString(), answer.GetProperty("model_version").GetString());
            AssertClose(fx.Reference(version, 3), answer.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(p => p.GetSingle()).ToArray());
        }
        Assert.Contains("no version 3", await ErrorAsync(await viewer.PostAsync($"/v2/models/{Model}/versions/3/infer", Content(Json(fx, 3))), HttpStatusCode.NotFound));
        Assert.Contains("no version 99", await ErrorAsync(await viewer.PostAsync($"/v2/models/{Model}/versions/99/infer", Content(Json(fx, 3))), HttpStatusCode.NotFound));
        Assert.Contains("no version '1.0'", await ErrorAsync(await viewer.PostAsync($"/v2/models/{Model}/versions/1.0/infer", Content(Json(fx, 3))), HttpStatusCode.NotFound));
        // The model's route is untouched by requests that named a version.
        Assert.Equal("1", (await OkAsync(await viewer.PostAsync($"/v2/models/{Model}/infer", Content(Json(fx, 3))))).GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task The_api_keeps_its_problem_details_and_the_http1_endpoint_is_unchanged()
    {
        using var viewer = fx.Client(fx.ViewerToken);
        using var response = await viewer.GetAsync("/api/models/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.TryGetProperty("title", out _) && problem.TryGetProperty("status", out _), problem.ToString());
        using var anonymous = fx.Client(null);
        var unauthorized = JsonDocument.Parse(await (await anonymous.GetAsync("/api/models")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(401, unauthorized.GetProperty("status").GetInt32());
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var k = 0; k < expected.Length; k++)
            Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5, $"class {k}: served {actual[k]}, in process {expected[k]}");
    }

    private static List<string> Tensors(JsonElement tensors) => tensors.EnumerateArray()
        .Select(t => $"{t.GetProperty("name").GetString()} {t.GetProperty("datatype").GetString()} [{string.Join(",", t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))}]")
        .ToList();

    private static async Task OkOrCreated(HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}
