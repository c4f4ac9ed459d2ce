using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Benchmarks;

/// <summary>One server (real silo + API) and one small synthetic dataset shared by the benchmark tests; each test uses its own model name.</summary>
public sealed class BenchmarkApiFixture : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new();
    public HttpClient Client { get; private set; } = null!;
    public string Dataset { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Client = Factory.CreateClient();
        Dataset = Path.Combine(Factory.DataFolder, "datasets", "bench");
        // Larger than the checkpoints' 32x32 input on purpose: the benchmark must prepare data as each version expects.
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = Dataset, SamplesPerClass = 4, Seed = 5, Width = 64, Height = 48 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    public PluginRegistry Plugins => Factory.Services.GetRequiredService<PluginRegistry>();

    /// <summary>Registers one tiny_test_cnn version per seed, in order (version n has seeds[n-1]).</summary>
    public async Task Register(string model, params int[] seeds)
    {
        foreach (var seed in seeds)
        {
            var path = CheckpointFactory.WriteTinyCnn(Plugins, Path.Combine(Factory.DataFolder, "ckpt", $"{model}-{seed}.pt"), seed);
            await Expect(await Client.PostAsJsonAsync($"/api/models/{model}/versions", new { checkpoint_path = path }), HttpStatusCode.Created);
        }
    }

    /// <summary>The body after asserting the status (the body is in the failure message).</summary>
    public static async Task<string> Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.StatusCode}: {text}");
        return text;
    }

    /// <summary>Read with the CLI's serializer settings, so the CLI's view of the API is tested too.</summary>
    public static async Task<T> Read<T>(HttpResponseMessage response, HttpStatusCode expected) =>
        JsonSerializer.Deserialize<T>(await Expect(response, expected), ServerApiClient.Json)!;
}
