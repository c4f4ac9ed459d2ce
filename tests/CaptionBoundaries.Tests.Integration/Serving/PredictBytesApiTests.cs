using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>
/// Predictions with image bytes (issue 16): JSON with base64 images, multipart files and the batch form answer alike;
/// a batch is answered in order by one version; a client's font embedding is used as given; a request may name the
/// version that answers; and each answer names its version and the server-side latency.
/// </summary>
public sealed class PredictBytesApiTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new()
    {
        Slots = 1,
        Settings = { ["Limits:MaxPredictSamples"] = "4", ["Limits:MaxPredictBodyMegabytes"] = "1" },
    };
    private HttpClient _client = null!;
    private string _dataset = null!;
    private DatasetManifest _manifest = null!;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        _dataset = Path.Combine(_factory.DataFolder, "datasets", "bytes");
        _manifest = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = _dataset, SamplesPerClass = 2, Seed = 8, Width = 64, Height = 48 });
        var plugins = _factory.Services.GetRequiredService<PluginRegistry>();
        foreach (var seed in new[] { 1, 2 })
        {
            var checkpoint = CheckpointFactory.WriteTinyCnn(plugins, Path.Combine(_factory.DataFolder, "ckpt", $"v{seed}.pt"), seed);
            await ApiJson.Expect(await _client.PostAsJsonAsync("/api/models/bytes/versions", new { checkpoint_path = checkpoint }), HttpStatusCode.Created);
        }
        await ApiJson.Expect(await _client.PostAsJsonAsync("/api/models/bytes/switch", new { version = 2 }), HttpStatusCode.OK);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static double[] Probabilities(JsonElement answer) =>
        CaptionBoundaries.Contracts.TaskSpec.Classes.Select(c => answer.GetProperty("probabilities").GetProperty(c).GetDouble()).ToArray();

    private string ImagePath(DatasetManifestSample s, string field, string relative) => DatasetManifest.ResolveImagePath(_dataset, s, field, relative);

    [Fact]
    public async Task Json_multipart_and_batch_forms_give_the_same_answer_and_a_batch_keeps_its_order()
    {
        var samples = _manifest.Samples.Take(3).ToList();
        var singles = new List<double[]>();
        foreach (var s in samples)
        {
            using var response = await _client.PostAsJsonAsync("/api/models/bytes/predict", PredictBodies.Of(_dataset, s));
            var answer = await ApiJson.Expect(response, HttpStatusCode.OK);
            Assert.Equal(2, answer.GetProperty("version").GetInt32());
            Assert.True(answer.GetProperty("latency_ms").GetDouble() > 0);
            Assert.Equal("2", Assert.Single(response.Headers.GetValues("X-Model-Version")));
            Assert.StartsWith("predict;dur=", Assert.Single(response.Headers.GetValues("Server-Timing")));
            singles.Add(Probabilities(answer));
        }

        var first = samples[0];
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(File.ReadAllBytes(ImagePath(first, "frame1", first.Frame1))), "frame1", "f1.png" },
            { new ByteArrayContent(File.ReadAllBytes(ImagePath(first, "frame2", first.Frame2))), "frame2", "f2.png" },
            { new ByteArrayContent(File.ReadAllBytes(ImagePath(first, "ocr_viz", first.OcrViz))), "ocr_viz", "ocr.png" },
            { new StringContent(string.Join(",", first.SpatialFeatures.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))), "spatial_features" },
        };
        if (first.CaptionBox is { } box) form.Add(new StringContent(JsonSerializer.Serialize(box)), "caption_box");
        var multipart = await ApiJson.Expect(await _client.PostAsync("/api/models/bytes/predict", form), HttpStatusCode.OK);
        for (var k = 0; k < 5; k++) Assert.Equal(singles[0][k], Probabilities(multipart)[k], 1e-6);

        // Reversed order in, reversed order out.
        var batch = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/models/bytes/predict/batch",
            new { instances = samples.AsEnumerable().Reverse().Select(s => PredictBodies.Of(_dataset, s)).ToList() }), HttpStatusCode.OK);
        var answers = batch.GetProperty("predictions").EnumerateArray().Select(Probabilities).ToList();
        // A batched forward pass may differ from batch-of-1 in the last bits of float arithmetic.
        var expected = singles.AsEnumerable().Reverse().ToList();
        for (var i = 0; i < expected.Count; i++)
            for (var k = 0; k < 5; k++) Assert.Equal(expected[i][k], answers[i][k], 1e-6);
        Assert.Equal(2, batch.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_request_may_name_the_version_that_answers_and_an_unknown_one_is_404()
    {
        var body = PredictBodies.Of(_dataset);
        body["version"] = 1;
        var pinned = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/models/bytes/predict", body), HttpStatusCode.OK);
        Assert.Equal(1, pinned.GetProperty("version").GetInt32());
        var active = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/models/bytes/predict", PredictBodies.Of(_dataset)), HttpStatusCode.OK);
        Assert.NotEqual(Probabilities(pinned), Probabilities(active));

        body["version"] = 9;
        var unknown = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/models/bytes/predict", body), HttpStatusCode.NotFound);
        Assert.Contains("no version 9", unknown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_clients_font_embedding_is_used_as_given()
    {
        var sample = _manifest.Samples[1];
        var plugins = _factory.Services.GetRequiredService<PluginRegistry>();
        // The embedding the model's embedder computes for this sample (at the original resolution, so the transform does not matter).
        var own = CaptionDataset.PrepareSingle(ImagePath(sample, "frame1", sample.Frame1), ImagePath(sample, "frame2", sample.Frame2),
            ImagePath(sample, "ocr_viz", sample.OcrViz), sample.SpatialFeatures, plugins.GetEmbedder("glyph_profile"),
            new ImageTransform(32, 32), sample.CaptionBox).FontEmbedding;

        var computed = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/models/bytes/predict", PredictBodies.Of(_dataset, sample)), HttpStatusCode.OK);
        var withOwn = PredictBodies.Of(_dataset, sample);
        withOwn["font_embedding"] = own;
        var given = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/models/bytes/predict", withOwn), HttpStatusCode.OK);
        Assert.Equal(Probabilities(computed), Probabilities(given));

        var withOther = PredictBodies.Of(_dataset, sample);
        withOther["font_embedding"] = Enumerable.Repeat(3f, 64).ToArray();
        var other = await ApiJson.Expect(await _client.PostAsJsonAsync("/api/models/bytes/predict", withOther), HttpStatusCode.OK);
        Assert.NotEqual(Probabilities(computed), Probabilities(other));
    }

    [Fact]
    public async Task Bad_batches_and_bodies_are_refused_naming_what_is_wrong()
    {
        async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status) => await ApiJson.Expect(response, status);
        string Errors(JsonElement p, string field) => string.Join(" ", p.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()));

        var good = PredictBodies.Of(_dataset);
        var broken = PredictBodies.Of(_dataset, 1);
        broken["frame2"] = "/etc/passwd";
        broken["font_embedding"] = new float[3];
        var named = await Problem(await _client.PostAsJsonAsync("/api/models/bytes/predict/batch", new { instances = new[] { good, broken } }), HttpStatusCode.BadRequest);
        Assert.Contains("server paths are not accepted", Errors(named, "instances[1].frame2"));
        Assert.Contains("64 finite numbers", Errors(named, "instances[1].font_embedding"));

        var tooMany = await Problem(await _client.PostAsJsonAsync("/api/models/bytes/predict/batch", new { instances = Enumerable.Repeat(good, 5).ToList() }), HttpStatusCode.BadRequest);
        Assert.Contains("at most 4 samples", Errors(tooMany, "instances"));
        var none = await Problem(await _client.PostAsJsonAsync("/api/models/bytes/predict/batch", new { instances = Array.Empty<object>() }), HttpStatusCode.BadRequest);
        Assert.Contains("At least one sample", Errors(none, "instances"));

        var box = PredictBodies.Of(_dataset);
        box["caption_box"] = new[] { 0.9f, 0.1f, 0.2f, 0.5f };
        box["spatial_features"] = new float[3];
        var boxProblem = await Problem(await _client.PostAsJsonAsync("/api/models/bytes/predict", box), HttpStatusCode.BadRequest);
        Assert.Contains("x0 < x1", Errors(boxProblem, "caption_box"));
        Assert.Contains("exactly 20 values", Errors(boxProblem, "spatial_features"));

        using var noFiles = new MultipartFormDataContent { { new StringContent("1,2"), "spatial_features" } };
        var formProblem = await Problem(await _client.PostAsync("/api/models/bytes/predict", noFiles), HttpStatusCode.BadRequest);
        Assert.Contains("file field 'frame1'", Errors(formProblem, "frame1"));

        // Past Limits:MaxPredictBodyMegabytes (1 MB here): refused before the body is read.
        var huge = PredictBodies.Of(_dataset);
        huge["frame1"] = Convert.ToBase64String(new byte[1_200_000]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await _client.PostAsJsonAsync("/api/models/bytes/predict", huge)).StatusCode);
        using var plain = new StringContent("frame1=x");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await _client.PostAsync("/api/models/bytes/predict/batch", plain)).StatusCode);

        // The server still answers.
        await ApiJson.Expect(await _client.PostAsJsonAsync("/api/models/bytes/predict", good), HttpStatusCode.OK);
    }
}
