using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Host.Cli;

namespace CaptionBoundaries.Tests.Benchmarks;

/// <summary>The HTTP client the `models` CLI commands use, against the real API: answers parse, problems read as one line.</summary>
public sealed class ServerApiClientTests(BenchmarkApiFixture fx) : IClassFixture<BenchmarkApiFixture>
{
    [Fact]
    public async Task TheCliClientRunsABenchmarkAndReportsServerProblemsWithTheFieldNamed()
    {
        await fx.Register("viacli", 7, 8);
        using var client = new ServerApiClient(fx.Factory.CreateClient(), "test-server");

        var run = await client.Post<BenchmarkRunView>("api/models/viacli/benchmark",
            new { dataset_folder = fx.Dataset, versions = new[] { 2 }, split = "all" }, CancellationToken.None);
        Assert.Equal(2, Assert.Single(run.Results).Version);
        var table = await client.Get<List<BenchmarkRunView>>("api/models/performance/viacli", CancellationToken.None);
        Assert.Equal(run.Id, Assert.Single(table).Id);

        var invalid = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            client.Get<ModelVersionComparison>("api/models/viacli/compare?versions=2", CancellationToken.None));
        Assert.Contains("400", invalid.Message);
        Assert.Contains("versions:", invalid.Message);
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            client.Get<MetricHistory>("api/models/ghost/metrics/accuracy/history", CancellationToken.None));
        Assert.Contains("404", missing.Message);
        Assert.Contains("'ghost'", missing.Message);
    }
}
