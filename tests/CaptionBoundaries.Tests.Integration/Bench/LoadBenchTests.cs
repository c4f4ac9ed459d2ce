using System.Text;
using System.Text.Json;
using CaptionBoundaries.Bench.Load;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Tests.Cli;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Bench;

/// <summary>
/// `bench load` against real loopback servers: failover across a node stop, error counting, the loopback bound, the
/// Open Inference Protocol form of its requests (checked by a stub written from the protocol's text) and concurrency sweeps.
/// </summary>
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

    /// <summary>REST bodies as `bench load` builds them from a synthetic dataset (images as base64 of the files).</summary>
    private static (TempFolder Folder, IReadOnlyList<byte[]> Bodies) DatasetBodies(int count)
    {
        var folder = new TempFolder("cb-load-v2");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = folder.Combine("d"), SamplesPerClass = 2, Seed = 4, Width = 64, Height = 48 });
        var bodies = MonitorSimulation.Prepare(folder.Combine("d"), new SimulationOptions { Count = count, Seed = 1 }, out var cleanup);
        cleanup();
        return (folder, LoadGenerator.Serialize(bodies));
    }

    [Fact]
    public void TheV2BodyCarriesTheSameImagesAndFeaturesAsOpenInferenceTensors()
    {
        var (folder, rest) = DatasetBodies(3);
        using var _ = folder;
        foreach (var body in rest)
        {
            using var restJson = JsonDocument.Parse(body);
            using var v2 = JsonDocument.Parse(OpenInferenceBody.FromRestBody(body));
            Assert.Null(PredictStubNode.OpenInferenceProblem(v2.RootElement));
            var inputs = v2.RootElement.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
            foreach (var image in new[] { "frame1", "frame2", "ocr_viz" })
            {
                Assert.Equal("BYTES", inputs[image].GetProperty("datatype").GetString());
                Assert.Equal(restJson.RootElement.GetProperty(image).GetString(), inputs[image].GetProperty("data")[0].GetString());
            }
            var spatial = inputs["spatial_features"];
            Assert.Equal(("FP32", "[1,20]"), (spatial.GetProperty("datatype").GetString(), spatial.GetProperty("shape").GetRawText()));
            Assert.Equal(restJson.RootElement.GetProperty("spatial_features").EnumerateArray().Select(v => v.GetSingle()),
                spatial.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
            // The synthetic generator records each caption's box; it travels as its own FP32 [1, 4] tensor.
            Assert.Equal("[1,4]", inputs["caption_box"].GetProperty("shape").GetRawText());
        }
        // A body the stub must refuse, so the check above can fail: an image that is not base64.
        using var broken = JsonDocument.Parse("""{"inputs":[{"name":"frame1","datatype":"BYTES","shape":[1],"data":["not base64!"]}]}""");
        Assert.Contains("frame1", PredictStubNode.OpenInferenceProblem(broken.RootElement));
    }

    [Fact]
    public async Task TheV2ProtocolPostsToTheInferRouteAndReadsTheModelVersion()
    {
        var (folder, rest) = DatasetBodies(4);
        using var _ = folder;
        await using var node = await PredictStubNode.StartAsync();
        node.Version = 3;
        using var generator = new LoadGenerator(Settings([node], requests: 20) with
        {
            Protocol = LoadProtocol.V2,
            Bodies = rest.Select(OpenInferenceBody.FromRestBody).ToList(),
        });
        var report = await generator.RunAsync(CancellationToken.None);

        Assert.Equal((20L, 20L, 0L, 0), (report.Sent, report.Succeeded, report.Failed, node.V2Refused));
        Assert.Equal(20, node.Served);
        Assert.Equal(20, report.PerVersion["3"]);
        Assert.Equal("v2", report.Protocol);
        Assert.Equal(new Uri($"{node.Url}/v2/models/captions/infer"), LoadProtocol.V2.Endpoint(new Uri(node.Url), "captions"));
        Assert.Equal(new Uri($"{node.Url}/api/models/captions/predict"), LoadProtocol.Rest.Endpoint(new Uri(node.Url), "captions"));
    }

    [Fact]
    public async Task ASweepRunsEveryLevelInTurnWithItsOwnCounts()
    {
        await using var node = await PredictStubNode.StartAsync();
        var ran = new List<int>();
        var sweep = await ConcurrencySweep.RunAsync(Settings([node], requests: 10), [1, 4, 2], (generator, at, ct) =>
        {
            ran.Add(at.Concurrency);
            return generator.RunAsync(ct);
        }, CancellationToken.None);

        Assert.Equal([1, 4, 2], ran);
        Assert.Equal([1, 4, 2], sweep.Levels.Select(l => l.Concurrency));
        Assert.All(sweep.Levels, l => Assert.Equal((10L, 10L, 0L), (l.Sent, l.Succeeded, l.Failed)));
        Assert.All(sweep.Levels, l => Assert.Equal(10, l.Timeline.Sum(s => s.Requests)));
        Assert.Equal((30L, 30), (sweep.Sent, node.Served));
        Assert.Equal(10, sweep.RequestsPerLevel);
    }

    [Theory]
    [InlineData("1,8,32", new[] { 1, 8, 32 })]
    [InlineData(" 4 , 2 ", new[] { 4, 2 })]
    public void SweepLevelsParse(string text, int[] levels) => Assert.Equal(levels, ConcurrencySweep.ParseLevels(text));

    [Theory]
    [InlineData("", "needs")]
    [InlineData("0,4", "'0'")]
    [InlineData("1,257", "'257'")]
    [InlineData("2,2", "twice")]
    [InlineData("1,x", "'x'")]
    [InlineData("-1", "'-1'")]
    [InlineData("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "at most 16")]
    public void BadSweepLevelsAreRefusedByName(string text, string named) =>
        Assert.Contains(named, Assert.Throws<ArgumentException>(() => ConcurrencySweep.ParseLevels(text)).Message);
}
