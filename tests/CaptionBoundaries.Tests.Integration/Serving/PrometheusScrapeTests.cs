using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Serving;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>
/// The metrics read by a real Prometheus (Debian's 2.42): the server runs on Kestrel on a loopback port, serves the tiny
/// test CNN, answers and refuses predictions; Prometheus scrapes /metrics with the scrape token every second, and its
/// query API must give back exactly the requests and failures that were sent.
/// </summary>
public sealed class PrometheusScrapeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();
    private readonly string _token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    private Task<PrometheusServer>? _prometheusStarting;
    private PrometheusServer? _prometheus;
    private string _baseUrl = "";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Killed whatever happened to the test (started, still starting, or failed to start).
        if (_prometheusStarting is not null)
        {
            try
            {
                await (await _prometheusStarting).DisposeAsync();
            }
            catch (Exception)
            {
                // StartAsync disposed it already when it failed.
            }
        }
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Prometheus_scrapes_exactly_the_requests_and_failures_that_were_sent()
    {
        var clock = Stopwatch.StartNew();
        var port = FreePort.Next();
        _factory.Settings["Metrics:ScrapeToken"] = _token;
        // A real socket on loopback (Prometheus cannot reach the in-memory test server).
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        _factory.StartServer();
        var target = $"127.0.0.1:{port}";
        _baseUrl = "http://" + target;
        // Prometheus starts while the model is registered and the predictions are sent.
        _prometheusStarting = PrometheusServer.StartAsync(target, _token);

        var cache = _factory.Services.GetRequiredService<LoadedModelCache>();
        Assert.Same(_factory.Services.GetRequiredService<ServingDevice>(), cache.Device);
        Assert.Equal("cpu", cache.Device.Name);

        using var admin = Client(_factory.AdminToken);
        var dataset = Path.Combine(_factory.DataFolder, "datasets", "scraped");
        var manifest = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = dataset,
            SamplesPerClass = 2,
            Seed = 5,
            Width = 64,
            Height = 48,
        });
        var checkpoint = CheckpointFactory.WriteTinyCnn(_factory.Services.GetRequiredService<PluginRegistry>(),
            Path.Combine(_factory.DataFolder, "ckpt", "scraped.pt"), 11);
        await ApiJson.Expect(await admin.PostAsJsonAsync("/api/models/scraped/versions", new { checkpoint_path = checkpoint }), HttpStatusCode.Created);
        await ApiJson.Expect(await admin.PostAsJsonAsync("/api/models/scraped/switch", new { version = 1, reason = "scrape test" }), HttpStatusCode.OK);

        using var viewer = Client(await _factory.CreateUserTokenAsync("scrape-viewer", Roles.Viewer));
        object Body(int i) => PredictBodies.Of(dataset, manifest.Samples[i % manifest.Samples.Count]);
        var bad = PredictBodies.Of(dataset, manifest.Samples[0]);
        bad["spatial_features"] = new[] { 0f };
        var sent = new List<(string Url, object Body, HttpStatusCode Status, int Samples)>();
        for (var i = 0; i < 8; i++) sent.Add(("/api/models/scraped/predict", Body(i), HttpStatusCode.OK, 1));
        for (var i = 0; i < 3; i++) sent.Add(("/api/models/scraped/predict/batch", new { instances = new[] { Body(i), Body(i + 1), Body(i + 2) } }, HttpStatusCode.OK, 3));
        for (var i = 0; i < 3; i++) sent.Add(("/api/models/scraped/predict", bad, HttpStatusCode.BadRequest, 0));
        for (var i = 0; i < 2; i++) sent.Add(($"/api/models/not-registered-{i}/predict", Body(i), HttpStatusCode.NotFound, 0));
        await Task.WhenAll(sent.Select(async s =>
        {
            using var response = await viewer.PostAsJsonAsync(s.Url, s.Body);
            Assert.True(response.StatusCode == s.Status, $"{s.Url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }));
        var sentAt = DateTimeOffset.UtcNow;

        _prometheus = await _prometheusStarting;
        // A scrape that started after the last answer, and its samples stored (their timestamp is the scrape's).
        await Until("a scrape after the requests", async () =>
        {
            if (await _prometheus.TargetAsync() is not var (health, last, error)) return false;
            if (health == "down") throw new InvalidOperationException($"Prometheus cannot scrape {target}: {error}");
            return health == "up" && last > sentAt
                && await _prometheus.ScalarAsync("max(timestamp(caption_boundaries_serving_requests_total))") is { } stamp
                && stamp >= sentAt.ToUnixTimeMilliseconds() / 1000.0;
        });

        Assert.Equal(sent.Count, await _prometheus.ScalarAsync("sum(caption_boundaries_serving_requests_total)"));
        Assert.Equal(sent.Count(s => s.Status == HttpStatusCode.OK),
            await _prometheus.ScalarAsync("""sum(caption_boundaries_serving_requests_total{model="scraped",version="1",route="production",outcome="ok"})"""));
        Assert.Equal(sent.Sum(s => s.Samples), await _prometheus.ScalarAsync("sum(caption_boundaries_serving_request_samples_sum)"));
        Assert.Equal(sent.Count(s => s.Status == HttpStatusCode.OK),
            await _prometheus.ScalarAsync("sum(caption_boundaries_serving_request_duration_seconds_count)"));
        var failures = (await _prometheus.QueryAsync("sum by (model, reason) (caption_boundaries_serving_failures_total)"))
            .ToDictionary(r => $"{r.Labels["model"]}/{r.Labels["reason"]}", r => r.Value);
        Assert.Equal(new Dictionary<string, double> { ["scraped/bad_input"] = 3, [$"{ServingMetrics.UnknownModel}/not_found"] = 2 }, failures);
        Assert.Equal(1, await _prometheus.ScalarAsync("sum(caption_boundaries_serving_loaded_versions)"));
        Assert.Equal(1, await _prometheus.ScalarAsync("""up{job="caption-boundaries"}"""));
        output.WriteLine($"server, {sent.Count} requests and a Prometheus scrape in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>A plain HTTP client over the loopback socket, as any client of the server.</summary>
    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(_baseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task Until(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no {what} within 20 s. Prometheus log:\n{_prometheus?.Log}");
            await Task.Delay(200);
        }
    }
}
