using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Api;

/// <summary>The REST API over a real co-hosted silo: models, live switching under load, experiments, validation.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();
    private HttpClient _client = null!;
    private DatasetManifest _manifest = null!;
    private string _dataset = null!;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        _dataset = Path.Combine(_factory.DataFolder, "datasets", "api");
        _manifest = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = _dataset,
            SamplesPerClass = 4,
            Seed = 21,
            Width = 64,
            Height = 48,
        });
        await Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private string Checkpoint(string name, int seed) =>
        CheckpointFactory.WriteTinyCnn(_factory.Services.GetRequiredService<PluginRegistry>(), Path.Combine(_factory.DataFolder, "ckpt", name), seed);

    private object PredictBody(int sample = 0) => PredictBodies.Of(_dataset, _manifest.Samples[sample]);

    private static Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected) => ApiJson.Expect(response, expected);

    private async Task RegisterTwoVersions(string model)
    {
        await Json(await _client.PostAsJsonAsync($"/api/models/{model}/versions", new { checkpoint_path = Checkpoint($"{model}-a.pt", 1) }), HttpStatusCode.Created);
        await Json(await _client.PostAsJsonAsync($"/api/models/{model}/versions", new { checkpoint_path = Checkpoint($"{model}-b.pt", 2) }), HttpStatusCode.Created);
        await Json(await _client.PostAsJsonAsync($"/api/models/{model}/switch", new { version = 1, reason = "first" }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task PredictingWithAModelThatServesNoVersionIsNotFoundNamingTheModel()
    {
        await Json(await _client.PostAsJsonAsync("/api/models/unserved/versions", new { checkpoint_path = Checkpoint("unserved.pt", 4) }), HttpStatusCode.Created);

        var problem = await Json(await _client.PostAsJsonAsync("/api/models/unserved/predict", PredictBody()), HttpStatusCode.NotFound);
        Assert.Contains("'unserved' has no active version", problem.GetProperty("detail").GetString());
        var typo = await Json(await _client.PostAsJsonAsync("/api/models/unservd/predict", PredictBody()), HttpStatusCode.NotFound);
        Assert.Contains("'unservd'", typo.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SwitchingVersionsUnderASteadyStreamOfPredictionsFailsNoRequest()
    {
        await RegisterTwoVersions("live");
        var failures = new ConcurrentBag<string>();
        var versions = new ConcurrentBag<int>();
        var requests = 0;
        using var stop = new CancellationTokenSource();

        async Task Loop(int worker)
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await _client.PostAsJsonAsync("/api/models/live/predict", PredictBody(worker % _manifest.Samples.Count));
                Interlocked.Increment(ref requests);
                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    continue;
                }
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                versions.Add(body.GetProperty("version").GetInt32());
            }
        }

        var loops = Enumerable.Range(0, 4).Select(Loop).ToArray();
        // Each version answers a few requests of the stream before the next switch (and before the stop).
        Task FiveMoreRequests()
        {
            var seen = Volatile.Read(ref requests);
            return Eventually.True(() => Task.FromResult(Volatile.Read(ref requests) >= seen + 5), 60, () => $"{requests - seen} of 5 requests sent");
        }
        foreach (var target in new[] { 2, 1, 2, 1, 2 })
        {
            await FiveMoreRequests();
            var switched = await Json(await _client.PostAsJsonAsync("/api/models/live/switch", new { version = target, reason = "load test" }), HttpStatusCode.OK);
            Assert.Equal(target, switched.GetProperty("active_version").GetInt32());

            // A request sent after the switch returned is answered by the new version.
            var after = await Json(await _client.PostAsJsonAsync("/api/models/live/predict", PredictBody()), HttpStatusCode.OK);
            Assert.Equal(target, after.GetProperty("version").GetInt32());
        }
        await FiveMoreRequests();
        stop.Cancel();
        await Task.WhenAll(loops);

        Assert.Empty(failures);
        Assert.True(requests > 20, $"only {requests} requests were sent");
        Assert.Equal([1, 2], versions.Distinct().Order());
    }

    [Fact]
    public async Task RefusedSwitchIs409WithTheReasonAndTheOldVersionKeepsServing()
    {
        await RegisterTwoVersions("guarded");
        var info = await Json(await _client.GetAsync("/api/models/guarded"), HttpStatusCode.OK);
        var v2 = info.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == 2);
        var path = v2.GetProperty("checkpoint_path").GetString()!;
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0xFF; // tamper after registration
        await File.WriteAllBytesAsync(path, bytes);

        var refused = await Json(await _client.PostAsJsonAsync("/api/models/guarded/switch", new { version = 2 }), HttpStatusCode.Conflict);
        Assert.Contains("sha", refused.GetProperty("detail").GetString()!, StringComparison.OrdinalIgnoreCase);

        var answer = await Json(await _client.PostAsJsonAsync("/api/models/guarded/predict", PredictBody()), HttpStatusCode.OK);
        Assert.Equal(1, answer.GetProperty("version").GetInt32());

        var rolledBack = await Json(await _client.PostAsJsonAsync("/api/models/guarded/rollback", new { reason = "nothing to roll back to" }), HttpStatusCode.Conflict);
        Assert.Equal(1, rolledBack.GetProperty("active_version").GetInt32());
    }

    [Fact]
    public async Task ValidationErrorsAre400WithTheFieldNamed()
    {
        var badRun = await Json(await _client.PostAsJsonAsync("/api/experiments",
            new { name = "bad", dataset_folder = _dataset, architecture = "tiny_test_cnn", batch_size = 0, learning_rate = -1 }), HttpStatusCode.BadRequest);
        var errors = badRun.GetProperty("errors");
        Assert.True(errors.TryGetProperty("batch_size", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("lr", out _), errors.ToString());

        await RegisterTwoVersions("validated");
        var badInput = await Json(await _client.PostAsJsonAsync("/api/models/validated/predict",
            new { frame1 = "/nope.png", frame2 = "/nope.png", ocr_viz = "/nope.png", spatial_features = new[] { 1f, 2f } }), HttpStatusCode.BadRequest);
        Assert.True(badInput.GetProperty("errors").TryGetProperty("spatial_features", out _));
        Assert.True(badInput.GetProperty("errors").TryGetProperty("frame1", out _));

        var badSwitch = await Json(await _client.PostAsJsonAsync("/api/models/validated/switch", new { version = 0 }), HttpStatusCode.BadRequest);
        Assert.True(badSwitch.GetProperty("errors").TryGetProperty("version", out _));

        var unknownArchitecture = await Json(await _client.PostAsJsonAsync("/api/experiments",
            new { name = "x", dataset_folder = _dataset, architecture = "nope_net" }), HttpStatusCode.BadRequest);
        Assert.Contains("nope_net", unknownArchitecture.GetProperty("detail").GetString());

        await Json(await _client.GetAsync("/api/models/never-registered"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ExperimentsRunThroughTheApiAndSlotsAndHealthAreReported()
    {
        var started = await Json(await _client.PostAsJsonAsync("/api/experiments", new
        {
            name = "api-run",
            dataset_folder = _dataset,
            architecture = "tiny_test_cnn",
            epochs = 2,
            batch_size = 8,
            image_size = 32,
            model_config = new Dictionary<string, string> { ["width"] = "8" },
        }), HttpStatusCode.Accepted);
        var id = started.GetProperty("id").GetGuid();

        JsonElement info = default;
        for (var i = 0; i < 600; i++)
        {
            info = await Json(await _client.GetAsync($"/api/experiments/{id}"), HttpStatusCode.OK);
            var phase = info.GetProperty("phase").ToString();
            if (phase is "Completed" or "Failed" or "Cancelled") break;
            await Task.Delay(100);
        }
        Assert.Equal("Completed", info.GetProperty("phase").ToString());
        Assert.Equal(2, info.GetProperty("epochs_done").GetInt32());

        var listed = await Json(await _client.GetAsync("/api/experiments?architecture=tiny_test_cnn"), HttpStatusCode.OK);
        Assert.Contains(listed.EnumerateArray(), e => e.GetProperty("id").GetGuid() == id);

        var slots = await Json(await _client.GetAsync("/api/slots"), HttpStatusCode.OK);
        Assert.Equal(2, slots.GetProperty("slots").GetArrayLength());

        await RegisterTwoVersions("healthy");
        var health = await Json(await _client.GetAsync("/api/health"), HttpStatusCode.OK);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Contains(health.GetProperty("models").EnumerateArray(),
            m => m.GetProperty("model").GetString() == "healthy" && m.GetProperty("active_version").GetInt32() == 1);

        var openApi = await _client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/models/{model}/switch", openApi);
    }
}
