using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Serving;

/// <summary>
/// One API host for the serving-metrics tests: a scrape token, a small prediction budget per account (so the rate limit
/// can be reached in a test), a synthetic dataset to predict with and helpers to register tiny CNN versions. Each test
/// uses models and accounts of its own, so their counts do not mix.
/// </summary>
public sealed class ServingMetricsFixture : IAsyncLifetime
{
    public const int PredictionsPerMinute = 20;

    public string ScrapeToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public ApiFactory Factory { get; }

    public string Dataset { get; private set; } = "";

    public DatasetManifest Manifest { get; private set; } = null!;

    public ServingMetricsFixture()
    {
        Factory = new ApiFactory();
        Factory.Settings["Security:PredictionsPerMinute"] = PredictionsPerMinute.ToString();
        Factory.Settings["Metrics:ScrapeToken"] = ScrapeToken;
    }

    public Task InitializeAsync()
    {
        _ = Factory.Server;
        Dataset = Path.Combine(Factory.DataFolder, "datasets", "metrics");
        Manifest = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = Dataset,
            SamplesPerClass = 2,
            Seed = 16,
            Width = 64,
            Height = 48,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    public Dictionary<string, object?> Body(int sample = 0) => PredictBodies.Of(Dataset, Manifest.Samples[sample % Manifest.Samples.Count]);

    /// <summary>Registers a tiny CNN checkpoint as the model's next version (as the admin) and returns its number.</summary>
    public async Task<int> RegisterAsync(string model, int seed)
    {
        var path = CheckpointFactory.WriteTinyCnn(Factory.Services.GetRequiredService<PluginRegistry>(),
            Path.Combine(Factory.DataFolder, "ckpt", $"{model}-{seed}.pt"), seed);
        using var admin = Factory.CreateClient();
        var created = await ApiJson.Expect(await admin.PostAsJsonAsync($"/api/models/{model}/versions", new { checkpoint_path = path }), HttpStatusCode.Created);
        return created.GetProperty("version").GetInt32();
    }

    public async Task SwitchAsync(string model, int version)
    {
        using var admin = Factory.CreateClient();
        await ApiJson.Expect(await admin.PostAsJsonAsync($"/api/models/{model}/switch", new { version, reason = "metrics test" }), HttpStatusCode.OK);
    }

    /// <summary>GET /metrics with the scrape token, parsed.</summary>
    public async Task<IReadOnlyList<PrometheusText.Sample>> ScrapeAsync()
    {
        using var client = Factory.CreateClient(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeToken);
        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return PrometheusText.Parse(text);
    }
}
