using System.Net;
using System.Net.Http.Json;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Monitoring;

/// <summary>The prediction log buffers in memory; stopping the host cleanly must write every buffered row.</summary>
public sealed class PredictionLogShutdownTests
{
    [Fact]
    public async Task EveryAnsweredPredictionIsInTheDatabaseAfterACleanStop()
    {
        await using var factory = new ApiFactory();
        // Nothing is written on the way: a huge batch and a flush interval far longer than the test.
        factory.Settings["Monitoring:FlushBatchSize"] = "100000";
        factory.Settings["Monitoring:BufferCapacity"] = "100000";
        factory.Settings["Monitoring:FlushIntervalMs"] = "60000";
        var client = factory.CreateClient();
        var dataset = Path.Combine(factory.DataFolder, "datasets", "stop");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = dataset, SamplesPerClass = 4, Seed = 8, Width = 64, Height = 48 });
        var checkpoint = CheckpointFactory.WriteTinyCnn(factory.Services.GetRequiredService<PluginRegistry>(), Path.Combine(factory.DataFolder, "stop.pt"), 3);
        await ApiJson.Expect(await client.PostAsJsonAsync("/api/models/stop/versions", new { checkpoint_path = checkpoint }), HttpStatusCode.Created);
        await ApiJson.Expect(await client.PutAsJsonAsync("/api/models/stop/aliases/production", new { version = 1 }), HttpStatusCode.OK);

        const int count = 240;
        var simulation = new MonitorSimulation(new ServerApiClient(client, "test server"));
        var result = await simulation.RunAsync("stop", dataset, new SimulationOptions { Count = count, Concurrency = 8 }, null, CancellationToken.None);
        Assert.Equal(0, result.Failed);
        var log = factory.Services.GetRequiredService<PredictionLog>();
        Assert.Equal(count, log.Statistics.Recorded);
        Assert.Equal(0, log.Statistics.Written); // all of it still in memory

        await factory.RunningHost!.StopAsync();

        var options = new DbContextOptionsBuilder<SqliteTrackingDbContext>()
            .UseSqlite($"Data Source={Path.Combine(factory.DataFolder, "caption-boundaries.db")}").Options;
        await using var db = new SqliteTrackingDbContext(options);
        var rows = await db.Predictions.Where(p => p.ModelName == "stop").ToListAsync();
        Assert.Equal(count, rows.Count);
        Assert.Equal(count, log.Statistics.Written);
        Assert.All(rows, r =>
        {
            Assert.Equal(1, r.Version);
            Assert.InRange(r.Confidence, 0.2, 1);
            Assert.True(r.LatencyMs > 0);
            Assert.InRange(r.Frame1Brightness, 0, 1);
        });
        // The answers the client got are the rows that were logged, class by class.
        foreach (var (cls, n) in result.Predicted) Assert.Equal(n, rows.Count(r => r.PredictedClass == cls));
    }
}
