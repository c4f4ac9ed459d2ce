using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Application.Features.Benchmarks;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Benchmarks;

/// <summary>Benchmarks, the performance table, version comparison and metric history through the API on a real silo.</summary>
public sealed class BenchmarkApiTests(BenchmarkApiFixture fx) : IClassFixture<BenchmarkApiFixture>
{
    private HttpClient Client => fx.Client;

    [Fact]
    public async Task BenchmarkingTwoVersionsRecordsOneRunWithAResultPerVersionAndFeedsCompareAndHistory()
    {
        await fx.Register("bench", 1, 2);
        var run = await BenchmarkApiFixture.Read<BenchmarkRunView>(
            await Client.PostAsJsonAsync("/api/models/bench/benchmark", new { dataset_folder = fx.Dataset }), HttpStatusCode.Created);

        using (var scope = fx.Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            var stored = await db.BenchmarkRuns.Include(r => r.Results).Where(r => r.ModelName == "bench").ToListAsync();
            var single = Assert.Single(stored);
            Assert.Equal(run.Id, single.Id);
            Assert.Equal([1, 2], single.Results.Select(r => r.Version).Order());
            Assert.Equal(DatasetSplit.Validation, single.Split);
            Assert.Equal("cpu", single.Device);
        }

        var info = await BenchmarkApiFixture.Read<ModelInfo>(await Client.GetAsync("/api/models/bench"), HttpStatusCode.OK);
        var loader = fx.Factory.Services.GetRequiredService<CheckpointLoader>();
        var embedder = fx.Plugins.GetEmbedder("glyph_profile");
        var dataset = CaptionDataset.Load(fx.Dataset, embedder, new ImageTransform(32, 32));
        Assert.Equal(dataset.Identity, run.DatasetIdentity);
        Assert.NotEmpty(dataset.Validation);
        foreach (var result in run.Results)
        {
            Assert.Equal(dataset.Validation.Count, result.Samples);
            Assert.InRange(result.Accuracy, 0, 1);
            Assert.InRange(result.MacroF1, 0, 1);
            Assert.Equal(5, result.PerClassF1.Count);
            Assert.All(result.PerClassF1.Values, f1 => Assert.InRange(f1, 0, 1));
            Assert.Equal(result.PerClassF1.Values.Average(), result.MacroF1, 9);
            Assert.True(result.LatencyP50Ms > 0, $"p50 {result.LatencyP50Ms}");
            Assert.True(result.LatencyP95Ms >= result.LatencyP50Ms, $"p95 {result.LatencyP95Ms} < p50 {result.LatencyP50Ms}");
            Assert.True(result.ThroughputPerSecond > 0);

            // The same checkpoint evaluated directly, one sample at a time, must agree with the benchmark.
            var version = info.Versions.Single(v => v.Version == result.Version);
            Assert.Equal(version.Sha256, result.CheckpointSha256);
            using var loaded = loader.Load(version.CheckpointPath, CPU);
            var predictions = Predictor.Predict(loaded, dataset, dataset.Validation, batchSize: 1, CPU);
            Assert.Equal(predictions.Count(p => p.PredictedClass == p.TrueClass) / (double)predictions.Count, result.Accuracy, 9);
        }

        // The literal route and the parameter route live side by side.
        var table = await BenchmarkApiFixture.Read<List<BenchmarkRunView>>(await Client.GetAsync("/api/models/performance/bench"), HttpStatusCode.OK);
        Assert.Equal(run.Id, Assert.Single(table).Id);
        Assert.Equal(2, table[0].Results.Count);
        Assert.Equal("bench", info.Name);

        var comparison = await BenchmarkApiFixture.Read<ModelVersionComparison>(
            await Client.GetAsync("/api/models/bench/compare?versions=2,1"), HttpStatusCode.OK);
        Assert.Equal([2, 1], comparison.Versions.Select(v => v.Version));
        Assert.All(comparison.Versions, v => Assert.Equal(run.Id, v.BenchmarkRunId));
        Assert.True(comparison.Rows.Single(r => r.Key == "sha256").Differs);
        Assert.False(comparison.Rows.Single(r => r.Key == "architecture").Differs);
        foreach (var row in comparison.Rows)
        {
            Assert.Equal(2, row.Values.Count);
            var distinct = row.Numbers is null ? row.Values.Distinct().Count() : row.Numbers.Distinct().Count();
            Assert.True(row.Differs == distinct > 1, $"{row.Key}: Differs={row.Differs} for {string.Join(" | ", row.Values)}");
            if (row.Numbers is null) continue;
            Assert.Equal(0, row.DifferenceFromFirst![0]);
            Assert.Equal(row.Numbers[1] - row.Numbers[0], row.DifferenceFromFirst[1]);
        }
        var byVersion = run.Results.ToDictionary(r => r.Version);
        var macro = comparison.Rows.Single(r => r.Key == "macro_f1");
        Assert.Equal([byVersion[2].MacroF1, byVersion[1].MacroF1], macro.Numbers!.Select(n => n!.Value));
        // Random seeds give different latencies; two measured floats being equal would be a bug in the wiring.
        Assert.True(comparison.Rows.Single(r => r.Key == "latency_p50_ms").Differs);

        var history = await BenchmarkApiFixture.Read<MetricHistory>(
            await Client.GetAsync("/api/models/bench/metrics/macro_f1/history"), HttpStatusCode.OK);
        Assert.Equal([1, 2], history.Points.Select(p => p.Version));
        Assert.Equal([byVersion[1].MacroF1, byVersion[2].MacroF1], history.Points.Select(p => p.Value!.Value));
        var p95 = await BenchmarkApiFixture.Read<MetricHistory>(
            await Client.GetAsync("/api/models/bench/metrics/latency_p95_ms/history"), HttpStatusCode.OK);
        Assert.Equal([byVersion[1].LatencyP95Ms, byVersion[2].LatencyP95Ms], p95.Points.Select(p => p.Value!.Value));
    }

    [Fact]
    public async Task ATamperedCheckpointFailsTheBenchmarkNamingTheChecksumAndRecordsNothing()
    {
        await fx.Register("tampered", 3, 4);
        var info = await BenchmarkApiFixture.Read<ModelInfo>(await Client.GetAsync("/api/models/tampered"), HttpStatusCode.OK);
        var path = info.Versions.Single(v => v.Version == 2).CheckpointPath;
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);

        var failed = JsonDocument.Parse(await BenchmarkApiFixture.Expect(
            await Client.PostAsJsonAsync("/api/models/tampered/benchmark", new { dataset_folder = fx.Dataset, split = "all" }),
            HttpStatusCode.BadRequest)).RootElement;
        var detail = failed.GetProperty("detail").GetString()!;
        Assert.Contains("checksum", detail);
        Assert.Contains("version 2", detail);
        Assert.Contains(info.Versions.Single(v => v.Version == 2).Sha256, detail);

        using var scope = fx.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        Assert.False(await db.BenchmarkRuns.AnyAsync(r => r.ModelName == "tampered"));
        var table = await BenchmarkApiFixture.Read<List<BenchmarkRunView>>(await Client.GetAsync("/api/models/performance/tampered"), HttpStatusCode.OK);
        Assert.Empty(table);

        // The untouched version alone still benchmarks.
        var run = await BenchmarkApiFixture.Read<BenchmarkRunView>(
            await Client.PostAsJsonAsync("/api/models/tampered/benchmark", new { dataset_folder = fx.Dataset, versions = new[] { 1 }, split = "all" }),
            HttpStatusCode.Created);
        Assert.Equal(1, Assert.Single(run.Results).Version);
        Assert.Equal(20, run.Results[0].Samples);
    }

    [Fact]
    public async Task BadRequestsAre400WithTheFieldNamedAndUnknownThingsAre404NamingThem()
    {
        await fx.Register("checked", 5, 6);

        async Task<JsonElement> Errors(HttpResponseMessage response) =>
            JsonDocument.Parse(await BenchmarkApiFixture.Expect(response, HttpStatusCode.BadRequest)).RootElement.GetProperty("errors");

        var noDataset = await Errors(await Client.PostAsJsonAsync("/api/models/checked/benchmark", new { split = "test", versions = new[] { 0 } }));
        Assert.True(noDataset.TryGetProperty("dataset_folder", out _), noDataset.ToString());
        Assert.True(noDataset.TryGetProperty("split", out var split), noDataset.ToString());
        Assert.Contains("val, train, all", split.ToString());
        Assert.True(noDataset.TryGetProperty("versions", out _), noDataset.ToString());

        var notADataset = await Errors(await Client.PostAsJsonAsync("/api/models/checked/benchmark", new { dataset_folder = fx.Factory.DataFolder }));
        Assert.Contains("manifest.json", notADataset.GetProperty("dataset_folder").ToString());

        var metric = await Errors(await Client.GetAsync("/api/models/checked/metrics/speed/history"));
        var message = metric.GetProperty("metric").ToString();
        Assert.Contains("'speed'", message);
        Assert.Contains("macro_f1", message);
        Assert.Contains("f1_empty_valid", message);

        var oneVersion = await Errors(await Client.GetAsync("/api/models/checked/compare?versions=1"));
        Assert.True(oneVersion.TryGetProperty("versions", out _));
        var notANumber = await Errors(await Client.GetAsync("/api/models/checked/compare?versions=1,x"));
        Assert.Contains("'x'", notANumber.GetProperty("versions").ToString());

        var unknownModel = await BenchmarkApiFixture.Expect(
            await Client.PostAsJsonAsync("/api/models/nobody/benchmark", new { dataset_folder = fx.Dataset }), HttpStatusCode.NotFound);
        Assert.Contains("'nobody'", unknownModel);
        Assert.Contains("'nobody'", await BenchmarkApiFixture.Expect(await Client.GetAsync("/api/models/performance/nobody"), HttpStatusCode.NotFound));
        var unknownVersion = await BenchmarkApiFixture.Expect(await Client.GetAsync("/api/models/checked/compare?versions=1,7"), HttpStatusCode.NotFound);
        Assert.Contains("no version 7", unknownVersion);

        // Compare before any benchmark: registration facts only, measurements empty.
        var early = await BenchmarkApiFixture.Read<ModelVersionComparison>(await Client.GetAsync("/api/models/checked/compare?versions=1,2"), HttpStatusCode.OK);
        Assert.All(early.Versions, v => Assert.Null(v.BenchmarkRunId));
        Assert.Equal(["", ""], early.Rows.Single(r => r.Key == "macro_f1").Values);
        Assert.False(early.Rows.Single(r => r.Key == "macro_f1").Differs);
    }
}
