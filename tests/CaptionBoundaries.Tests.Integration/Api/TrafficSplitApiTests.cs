using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Api;

/// <summary>/api/models/{model}/split over the real server: bad requests, the whole canary lifecycle with its history, and clients under load.</summary>
public sealed class TrafficSplitApiTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();
    private readonly Registry.WebhookReceiver _webhook = new();
    private HttpClient _client = null!;
    private string _dataset = null!;
    private DatasetManifest _manifest = null!;

    public Task InitializeAsync()
    {
        _factory.Settings["Registry:Webhooks:0"] = _webhook.Url;
        _client = _factory.CreateClient();
        _dataset = Path.Combine(_factory.DataFolder, "datasets", "split");
        _manifest = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = _dataset, SamplesPerClass = 2, Seed = 5, Width = 64, Height = 48 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _webhook.Dispose();
    }

    private static Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected) => ApiJson.Expect(response, expected);

    private object PredictBody(int sample = 0) => PredictBodies.Of(_dataset, _manifest.Samples[sample % _manifest.Samples.Count]);

    /// <summary>A model with versions from <paramref name="seeds"/>, serving version 1.</summary>
    private async Task Served(string model, params int[] seeds)
    {
        var plugins = _factory.Services.GetRequiredService<PluginRegistry>();
        foreach (var seed in seeds)
        {
            var checkpoint = CheckpointFactory.WriteTinyCnn(plugins, Path.Combine(_factory.DataFolder, "ckpt", $"{model}-{seed}.pt"), seed);
            await Json(await _client.PostAsJsonAsync($"/api/models/{model}/versions", new { checkpoint_path = checkpoint }), HttpStatusCode.Created);
        }
        await Json(await _client.PostAsJsonAsync($"/api/models/{model}/switch", new { version = 1, reason = "first" }), HttpStatusCode.OK);
    }

    private async Task<int> ChangeCount(string model) =>
        (await Json(await _client.GetAsync($"/api/models/{model}/registry"), HttpStatusCode.OK)).GetProperty("changes").GetArrayLength();

    private Task<HttpResponseMessage> Put(string model, object body) => _client.PutAsJsonAsync($"/api/models/{model}/split", body);

    private static async Task ExpectFieldError(HttpResponseMessage response, string field, string words)
    {
        var problem = await ApiJson.Expect(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}': {errors}");
        Assert.Contains(words, string.Join(" ", messages.EnumerateArray().Select(m => m.GetString())));
    }

    [Fact]
    public async Task Bad_split_requests_are_4xx_naming_the_field_and_change_nothing()
    {
        await Served("split-bad", 1, 2, 3);
        await Json(await _client.PostAsJsonAsync("/api/models/split-bad/versions/3/archive", new { reason = "old" }), HttpStatusCode.OK);
        var changes = await ChangeCount("split-bad");

        foreach (var share in new[] { 0, 100, 150 })
            await ExpectFieldError(await Put("split-bad", new { mode = "canary", version = 2, share_percent = share }), "share_percent", "between 1 and 99");
        await ExpectFieldError(await Put("split-bad", new { mode = "canary", version = 2 }), "share_percent", "got none");
        await ExpectFieldError(await Put("split-bad", new { mode = "shadow", version = 2, share_percent = 10 }), "share_percent", "takes no share_percent");
        await ExpectFieldError(await Put("split-bad", new { mode = "everything", version = 2, share_percent = 10 }), "mode", "'canary' or 'shadow'");
        await ExpectFieldError(await Put("split-bad", new { mode = "canary", share_percent = 10 }), "version", "registered version number");
        await ExpectFieldError(await Put("split-bad", new { mode = "canary", version = 2, share_percent = 10, reason = new string('r', 501) }), "reason", "500");
        await ExpectFieldError(await Put("split-bad", new { mode = "canary", version = 3, share_percent = 10 }), "version", "archived");
        await ExpectFieldError(await Put("split-bad", new { mode = "canary", version = 1, share_percent = 10 }), "version", "already the production version");
        var unknown = await Json(await Put("split-bad", new { mode = "canary", version = 9, share_percent = 10 }), HttpStatusCode.NotFound);
        Assert.Contains("version: version 9", unknown.GetProperty("detail").GetString());
        // Wrong JSON types never reach the model.
        using var wrongType = new StringContent("""{"mode":"canary","version":"two","share_percent":[20]}""", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.PutAsync("/api/models/split-bad/split", wrongType)).StatusCode);
        var none = await Json(await _client.PostAsJsonAsync("/api/models/split-bad/split/promote", new { reason = "nothing" }), HttpStatusCode.Conflict);
        Assert.Contains("no canary or shadow to promote", none.GetProperty("detail").GetString());
        await Json(await _client.PostAsync("/api/models/split-bad/split/abort", null), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NotFound, (await Put("no-such-model", new { mode = "canary", version = 2, share_percent = 10 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/models/no-such-model/split")).StatusCode);

        Assert.Equal(changes, await ChangeCount("split-bad"));
        var split = await Json(await _client.GetAsync("/api/models/split-bad/split"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, split.GetProperty("split").ValueKind);
        Assert.Equal(1, (await Json(await _client.PostAsJsonAsync("/api/models/split-bad/predict", PredictBody()), HttpStatusCode.OK)).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_canary_is_started_reshared_and_promoted_and_each_step_is_in_the_history_and_the_figures()
    {
        await Served("split-life", 11, 12, 13);
        var observer = new Registry.RecordingModelObserver();
        var grains = _factory.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<CaptionBoundaries.Grains.Abstractions.IModelGrain>("split-life").Subscribe(grains.CreateObjectReference<CaptionBoundaries.Grains.Abstractions.IModelObserver>(observer));
        var started = await Json(await Put("split-life", new { mode = "canary", version = 2, share_percent = 25, reason = "try v2" }), HttpStatusCode.OK);
        Assert.Equal(2, started.GetProperty("split").GetProperty("candidate_version").GetInt32());
        Assert.Equal(1, started.GetProperty("active_version").GetInt32());

        // Keyed clients: the same key gets the same version every time.
        var byKey = new Dictionary<string, int>();
        for (var round = 0; round < 2; round++)
        {
            for (var k = 0; k < 24; k++)
            {
                var response = await _client.PostAsJsonAsync("/api/models/split-life/predict/batch",
                    new { instances = new[] { PredictBody(k) }, key = $"tenant-{k}" });
                var version = (await Json(response, HttpStatusCode.OK)).GetProperty("version").GetInt32();
                if (round == 0) byKey[$"tenant-{k}"] = version;
                else Assert.Equal(byKey[$"tenant-{k}"], version);
            }
        }
        Assert.Contains(2, byKey.Values);

        var view = await Json(await _client.GetAsync("/api/models/split-life/split"), HttpStatusCode.OK);
        Assert.Equal("canary", view.GetProperty("split").GetProperty("mode").GetString());
        Assert.Equal(25, view.GetProperty("split").GetProperty("share_percent").GetInt32());
        var versions = view.GetProperty("versions").EnumerateArray().ToDictionary(v => v.GetProperty("version").GetInt32());
        Assert.Equal(byKey.Values.Count(v => v == 2) * 2, versions[2].GetProperty("requests_by_route").GetProperty("canary").GetInt64());
        Assert.True(versions[2].GetProperty("latency_p99_ms").GetDouble() > 0);
        Assert.False(string.IsNullOrEmpty(view.GetProperty("node").GetString()));

        await Json(await Put("split-life", new { mode = "canary", version = 2, share_percent = 60, reason = "more" }), HttpStatusCode.OK);
        var conflict = await Json(await Put("split-life", new { mode = "shadow", version = 3, reason = "another" }), HttpStatusCode.Conflict);
        Assert.Contains("already runs a canary of version 2 at 60%", conflict.GetProperty("detail").GetString());
        var promoted = await Json(await _client.PostAsJsonAsync("/api/models/split-life/split/promote", new { reason = "v2 holds up" }), HttpStatusCode.OK);
        Assert.Equal(2, promoted.GetProperty("active_version").GetInt32());
        Assert.Equal(2, (await Json(await _client.PostAsJsonAsync("/api/models/split-life/predict", PredictBody()), HttpStatusCode.OK)).GetProperty("version").GetInt32());

        await Json(await Put("split-life", new { mode = "shadow", version = 3, reason = "shadow v3" }), HttpStatusCode.OK);
        var aborted = await Json(await _client.PostAsJsonAsync("/api/models/split-life/split/abort", new { reason = "v3 disagrees too often" }), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, aborted.GetProperty("split").ValueKind);

        var history = (await Json(await _client.GetAsync("/api/models/split-life/registry"), HttpStatusCode.OK)).GetProperty("changes").EnumerateArray()
            .Where(c => c.GetProperty("kind").GetString()!.Contains('_'))
            .Select(c => (c.GetProperty("kind").GetString(), c.GetProperty("version").GetInt32(), c.GetProperty("actor").GetString(),
                c.GetProperty("reason").GetString(), c.GetProperty("share_percent").ValueKind == JsonValueKind.Null ? (int?)null : c.GetProperty("share_percent").GetInt32()))
            .ToList();
        Assert.Equal(
            [
                ("canary_start", 2, ApiFactory.AdminName, "try v2", (int?)25),
                ("canary_share", 2, ApiFactory.AdminName, "more", 60),
                ("canary_promote", 2, ApiFactory.AdminName, "v2 holds up", null),
                ("shadow_start", 3, ApiFactory.AdminName, "shadow v3", null),
                ("shadow_abort", 3, ApiFactory.AdminName, "v3 disagrees too often", null),
            ], history);

        // Each step reached the console's observers and the webhook, share included.
        string[] kinds = ["canary_start", "canary_share", "canary_promote", "shadow_start", "shadow_abort"];
        await Grains.Eventually.True(() => Task.FromResult(kinds.All(k => observer.Notices.Any(n => n.Kind == k))), 10,
            () => $"observer saw {string.Join(", ", observer.Notices.Select(n => n.Kind))}");
        await Grains.Eventually.True(() => Task.FromResult(kinds.All(k => _webhook.Received.Any(n => n.GetProperty("kind").GetString() == k))), 30,
            () => $"webhook received {string.Join(", ", _webhook.Received.Select(n => n.GetProperty("kind").GetString()))}");
        var reshared = _webhook.Received.Single(n => n.GetProperty("kind").GetString() == "canary_share");
        Assert.Equal((60, 25, "more"), (reshared.GetProperty("share_percent").GetInt32(), reshared.GetProperty("previous_share_percent").GetInt32(),
            reshared.GetProperty("reason").GetString()));
    }

    /// <summary>
    /// HTTP clients predicting non-stop through a canary start, its promote and a rollback: every request answered (0
    /// failed) and each answer (its X-Model-Version too) names a version that was serving while the request ran.
    /// </summary>
    [Fact]
    public async Task Http_clients_through_a_canary_promote_and_a_rollback_get_no_failure_and_only_serving_versions()
    {
        await Served("split-load", 21, 22);
        var clock = Stopwatch.StartNew();
        var answers = new ConcurrentBag<(TimeSpan Started, TimeSpan Ended, int Version)>();
        var failures = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            using var http = _factory.CreateClient();
            while (!stop.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                using var response = await http.PostAsJsonAsync("/api/models/split-load/predict", PredictBody(worker));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    continue;
                }
                var version = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
                if (response.Headers.GetValues("X-Model-Version").Single() != version.ToString()) failures.Add("header and body disagree");
                answers.Add((started, clock.Elapsed, version));
            }
        })).ToArray();

        var steps = new List<(TimeSpan Asked, TimeSpan Returned, int[] Serving)> { (TimeSpan.Zero, TimeSpan.Zero, [1]) };
        // A phase lasts until ten requests started after its change returned have been answered, by every version serving.
        Task PhaseServed()
        {
            var (_, returned, serving) = steps[^1];
            bool Served() => answers.Count(a => a.Started > returned) >= 10
                && serving.All(v => answers.Any(a => a.Started > returned && a.Version == v));
            return Eventually.True(() => Task.FromResult(Served()), 60, () => $"phase serving [{string.Join(", ", serving)}] not seen: {failures.Count} failures");
        }
        async Task Step(Func<Task<HttpResponseMessage>> change, int[] serving)
        {
            await PhaseServed();
            var asked = clock.Elapsed;
            await Json(await change(), HttpStatusCode.OK);
            steps.Add((asked, clock.Elapsed, serving));
        }
        await Step(() => Put("split-load", new { mode = "canary", version = 2, share_percent = 50, reason = "canary" }), [1, 2]);
        await Step(() => _client.PostAsJsonAsync("/api/models/split-load/split/promote", new { reason = "promote" }), [2]);
        await Step(() => _client.PostAsJsonAsync("/api/models/split-load/rollback", new { reason = "roll back" }), [1]);
        await PhaseServed();
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        Assert.Empty(failures);
        Assert.True(answers.Count > 30, $"only {answers.Count} answers");
        var wrong = answers.Where(a => !Enumerable.Range(0, steps.Count)
                .Where(i => a.Started < (i + 1 < steps.Count ? steps[i + 1].Returned : TimeSpan.MaxValue) && a.Ended > steps[i].Asked)
                .SelectMany(i => steps[i].Serving).Contains(a.Version))
            .Select(a => $"v{a.Version} from {a.Started.TotalMilliseconds:F0} to {a.Ended.TotalMilliseconds:F0} ms").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal([1, 2], answers.Select(a => a.Version).Distinct().Order());
    }

    [Fact]
    public async Task The_cli_requests_start_reshare_show_and_promote_a_canary_and_report_refusals_with_the_field()
    {
        await Served("split-cli", 31, 32);
        using var cli = new CaptionBoundaries.Host.Cli.ServerApiClient(_factory.CreateClient(), "test server");
        var started = await CaptionBoundaries.Host.Cli.Commands.SplitRequests.SetAsync(cli, "split-cli", "canary", 2, 10, "from the cli", default);
        Assert.Equal((2, 10), (started.Split!.CandidateVersion, started.Split.SharePercent!.Value));
        var reshared = await CaptionBoundaries.Host.Cli.Commands.SplitRequests.ReshareAsync(cli, "split-cli", 35, "more", default);
        Assert.Equal(35, reshared.Split!.SharePercent);
        var view = await CaptionBoundaries.Host.Cli.Commands.SplitRequests.ShowAsync(cli, "split-cli", default);
        Assert.Equal((1, "canary", 35), (view.ActiveVersion!.Value, view.Split!.Mode, view.Split.SharePercent!.Value));

        var bad = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            CaptionBoundaries.Host.Cli.Commands.SplitRequests.ReshareAsync(cli, "split-cli", 100, "too much", default));
        Assert.Contains("400", bad.Message);
        Assert.Contains("share_percent", bad.Message);

        var promoted = await CaptionBoundaries.Host.Cli.Commands.SplitRequests.PromoteAsync(cli, "split-cli", "cli promote", default);
        Assert.Equal(2, promoted.ActiveVersion);
        var none = await Assert.ThrowsAsync<ArgumentException>(() =>
            CaptionBoundaries.Host.Cli.Commands.SplitRequests.ReshareAsync(cli, "split-cli", 20, "no canary", default));
        Assert.Contains("runs no canary", none.Message);
        var conflict = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            CaptionBoundaries.Host.Cli.Commands.SplitRequests.AbortAsync(cli, "split-cli", "nothing", default));
        Assert.Contains("409", conflict.Message);
    }
}
