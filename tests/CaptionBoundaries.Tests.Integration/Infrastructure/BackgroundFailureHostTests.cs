using System.Net;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CaptionBoundaries.Tests.Infrastructure;

/// <summary>Background work never stops the host: the server as `serve` composes it, with background work that fails.</summary>
public sealed class BackgroundFailureHostTests
{
    /// <summary>A background service that fails outright, as the webhook sender did when its HTTP timeout escaped.</summary>
    private sealed class FailingService : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new TimeoutException("a background iteration failed outside any loop");
        }
    }

    [Fact]
    public async Task ABackgroundServiceThatThrowsEndsOnlyItselfNotTheServer()
    {
        await using var factory = new ApiFactory();
        await using var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<FailingService>();
            s.AddHostedService(sp => sp.GetRequiredService<FailingService>());
        }));
        using var client = host.CreateClient();
        var failing = host.Services.GetRequiredService<FailingService>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        await Eventually.True(() => Task.FromResult(failing.ExecuteTask is { IsFaulted: true }), 30, () => "the failing service should have failed");
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the host began stopping because a background service failed");
        await ApiJson.Expect(await client.GetAsync("/api/health"), HttpStatusCode.OK);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task PredictionLogFlushesThatTheDatabaseRefusesAreCountedAndTheLogGoesOn()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var log = factory.Services.GetRequiredService<PredictionLog>();
        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();

        // The database stops accepting the log's writes: its table is moved away under it.
        await Sql(factory, "ALTER TABLE PredictionLog RENAME TO PredictionLogAway");
        await log.RecordAsync(Entry());
        await log.FlushAsync();
        Assert.Equal(1, log.Statistics.Dropped);
        Assert.StartsWith("write:", log.Statistics.LastError);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        await ApiJson.Expect(await client.GetAsync("/api/health"), HttpStatusCode.OK);

        // Writable again: the same loop writes the next batch.
        await Sql(factory, "ALTER TABLE PredictionLogAway RENAME TO PredictionLog");
        await log.RecordAsync(Entry());
        await log.FlushAsync();
        Assert.Equal(1, log.Statistics.Written);
        Assert.Equal(1, log.Statistics.Dropped);
    }

    private static PredictionLogEntry Entry() =>
        new("unwritable", 1, "same", 0.9, 1.5, DateTime.UtcNow, Enumerable.Repeat(0.5, InputStatistics.Names.Count).ToArray());

    private static async Task Sql(ApiFactory factory, string sql)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TrackingDbContext>().Database.ExecuteSqlRawAsync(sql);
    }
}
