using System.Text;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Host.Cli.Load;

namespace CaptionBoundaries.Tests.Cli;

/// <summary>`bench load` against real loopback servers: failover across a node stop, error counting, the loopback bound.</summary>
public sealed class LoadBenchTests
{
    private static readonly IReadOnlyList<byte[]> Bodies = [Encoding.UTF8.GetBytes("""{"frame1":"a.png","frame2":"b.png","ocr_viz":"c.png","spatial_features":[0.5]}""")];

    private static LoadSettings Settings(IEnumerable<PredictStubNode> nodes, int requests, int concurrency = 4) => new()
    {
        Nodes = nodes.Select(n => new Uri(n.Url)).ToList(),
        Model = "captions",
        Token = "cbt_test",
        Bodies = Bodies,
        Requests = requests,
        Concurrency = concurrency,
        Backoff = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public void PercentilesAreNearestRankOfKnownValues()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToList();
        var summary = LatencySummary.Of(values);
        Assert.Equal((50.0, 90.0, 99.0, 100.0, 50.5), (summary.P50Ms, summary.P90Ms, summary.P99Ms, summary.MaxMs, summary.MeanMs));

        double[] ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, Percentiles.NearestRank(ten, 50));
        Assert.Equal(10, Percentiles.NearestRank(ten, 99)); // ceil(9.9) = rank 10
        Assert.Equal(1, Percentiles.NearestRank(ten, 1));
        Assert.Equal(7, Percentiles.NearestRank([7], 99));
        Assert.Equal(LatencySummary.Empty, LatencySummary.Of([]));
        Assert.Throws<ArgumentException>(() => Percentiles.NearestRank([], 50));
    }

    [Fact]
    public async Task NodeStoppedMidRunFailsOverWithoutFailedRequestsAndTheVersionSwitchShows()
    {
        await using var a = await PredictStubNode.StartAsync();
        await using var b = await PredictStubNode.StartAsync();
        // Triggered by request counts inside the servers, not by timers: b stops after its 100th answer,
        // a switches to version 2 after its 400th.
        b.After[100] = node => node.StopInBackground();
        a.After[400] = node => node.Version = 2;

        using var generator = new LoadGenerator(Settings([a, b], requests: 1500));
        var report = await generator.RunAsync(CancellationToken.None);

        Assert.Equal(1500, report.Sent);
        Assert.Equal(0, report.Failed);
        Assert.Equal(1500, report.Succeeded);
        Assert.True(report.Failovers > 0, "the stopped node's refusals should have moved requests to the other node");
        Assert.Equal(report.Failovers, report.PerNode[1].ConnectionFailures);
        Assert.True(report.PerNode[0].Succeeded > 400 && report.PerNode[1].Succeeded >= 100, $"both nodes should have served: {report.PerNode[0]} {report.PerNode[1]}");
        Assert.Equal(1500, report.PerNode.Sum(n => n.Succeeded));
        Assert.Equal(b.Served, report.PerNode[1].Succeeded);
        Assert.Equal(["1", "2"], report.PerVersion.Keys);
        Assert.Equal(1500, report.PerVersion.Values.Sum());
        Assert.Equal(1500, report.Timeline.Sum(s => s.Requests));
        Assert.Equal(report.Failovers, report.Timeline.Sum(s => s.Failovers));
        Assert.Equal(1500, report.Latency.Count);
        Assert.True(report.Latency.P50Ms <= report.Latency.P99Ms && report.Latency.P99Ms <= report.Latency.MaxMs);
        Assert.Equal("Bearer cbt_test", a.LastAuthorization);
    }

    [Fact]
    public async Task ANodeAnswering500YieldsFailedRequestsNotFailovers()
    {
        await using var good = await PredictStubNode.StartAsync();
        await using var bad = await PredictStubNode.StartAsync(status: 500);
        using var generator = new LoadGenerator(Settings([good, bad], requests: 200, concurrency: 2));
        var report = await generator.RunAsync(CancellationToken.None);

        Assert.Equal(200, report.Sent);
        Assert.Equal(bad.Served, report.Failed);
        Assert.Equal(good.Served, report.Succeeded);
        Assert.True(report.Failed > 0 && report.Succeeded > 0);
        Assert.Equal(0, report.Failovers);
        Assert.Equal(report.Failed, report.Failures["HTTP 500"]);
        Assert.Equal(report.Failed, report.PerNode[1].HttpErrors);
        Assert.Contains("stub failure", report.FirstError);
    }

    [Fact]
    public async Task EveryNodeDownFailsTheRequests()
    {
        var stopped = await PredictStubNode.StartAsync();
        await stopped.StopAsync();
        await stopped.DisposeAsync();
        using var generator = new LoadGenerator(Settings([stopped], requests: 5, concurrency: 1));
        var report = await generator.RunAsync(CancellationToken.None);

        Assert.Equal((5L, 5L, 0L), (report.Sent, report.Failed, report.Succeeded));
        Assert.Equal(5, report.Failures["all nodes unreachable"]);
        Assert.Equal(0, report.Failovers); // one node: nowhere to move to
    }

    [Theory]
    [InlineData("http://10.0.0.5:5080", "10.0.0.5")]
    [InlineData("http://example.com", "example.com")]
    [InlineData("http://127.0.0.1.example.com:5080", "127.0.0.1.example.com")]
    [InlineData("http://192.168.1.9:5081/", "192.168.1.9")]
    public void NonLoopbackUrlsAreRefusedByName(string url, string host)
    {
        var e = Assert.Throws<ArgumentException>(() => LoopbackGuard.Parse(["http://127.0.0.1:5080", url]));
        Assert.Contains(host, e.Message);
        Assert.Contains("not loopback", e.Message);
    }

    [Fact]
    public void LoopbackUrlsAreAccepted()
    {
        var nodes = LoopbackGuard.Parse(["http://127.0.0.1:5080", "http://[::1]:5081", "http://localhost:5082", "https://LOCALHOST:5083"]);
        Assert.Equal(4, nodes.Count);
    }

    [Fact]
    public async Task TheCommandRefusesANonLoopbackUrlBeforeSendingAnything()
    {
        var code = await CliApp.Build().Parse(["bench", "load", "--url", "http://127.0.0.1:5080", "--url", "http://203.0.113.7:5080",
            "--model", "captions", "--dataset", "/nonexistent", "--requests", "10"]).InvokeAsync();
        Assert.Equal(CliErrors.BadInput, code);
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("00:00:45", 45_000)]
    public void DurationsParse(string text, double milliseconds) => Assert.Equal(milliseconds, DurationText.Parse(text).TotalMilliseconds);

    [Fact]
    public void ABadDurationIsRefused() => Assert.Throws<ArgumentException>(() => DurationText.Parse("30 seconds"));
}
