using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Infrastructure.Registry;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Registry;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CaptionBoundaries.Tests.Webhooks;

/// <summary>
/// The outbox over a real database (SQLite and PostgreSQL): two dispatchers, as two nodes of a cluster, share it and
/// never send the same attempt twice; a failing receiver is retried after its back-off and dead-lettered after the last attempt.
/// </summary>
public sealed class WebhookDispatcherTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoNodesSendEachAttemptOnceAndAFailingReceiverIsDeadLetteredAfterTheLastAttempt(string provider)
    {
        await using var host = await AppHost.StartAsync(provider);
        using var ok = new WebhookReceiver();
        using var failing = new WebhookReceiver { StatusCode = 500 };
        var publisher = new WebhookPublisher(new RegistryOptions { Webhooks = [ok.Url, failing.Url] }, new MonitoringOptions());
        await host.QueryDb(async db =>
        {
            publisher.AddChanges(db, [new ModelChangeNotice("captions", ModelChangeNotice.Switch, 2, 1, null, "alice", "better", DateTime.UtcNow)]);
            return await db.SaveChangesAsync();
        });

        var options = new WebhookOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(100), AttemptTimeout = TimeSpan.FromSeconds(10) };
        var scopes = host.Services.GetRequiredService<IServiceScopeFactory>();
        using var nodeA = new WebhookDispatcher(scopes, publisher, options, NullLogger<WebhookDispatcher>.Instance);
        using var nodeB = new WebhookDispatcher(scopes, publisher, options, NullLogger<WebhookDispatcher>.Instance);

        // Both see the same two due deliveries at once; each attempt is claimed by one of them only.
        await Task.WhenAll(nodeA.DispatchDueAsync(CancellationToken.None), nodeB.DispatchDueAsync(CancellationToken.None));
        Assert.Single(ok.Received);
        Assert.Single(failing.Received);
        var delivered = await Row(host, ok.Url);
        Assert.Equal((WebhookDelivery.Delivered, 1, 204), (delivered.Status, delivered.Attempts, delivered.LastStatusCode));
        Assert.Equal("switch", ok.Received.Single().GetProperty("kind").GetString());
        var retrying = await Row(host, failing.Url);
        Assert.Equal((WebhookDelivery.Pending, 1, 500), (retrying.Status, retrying.Attempts, retrying.LastStatusCode));
        Assert.Equal("answered 500 Internal Server Error", retrying.LastError);
        Assert.True(retrying.NextAttemptAtUtc > retrying.LastAttemptAtUtc, "the retry waits for its back-off");

        // The second attempt, once due, is the last: dead-lettered with its error; the delivered one is never sent again.
        await Grains.Eventually.True(async () =>
        {
            await Task.WhenAll(nodeA.DispatchDueAsync(CancellationToken.None), nodeB.DispatchDueAsync(CancellationToken.None));
            return (await Row(host, failing.Url)).Status == WebhookDelivery.DeadLettered;
        }, 30, () => "the failing delivery should be dead-lettered");
        var dead = await Row(host, failing.Url);
        Assert.Equal(2, dead.Attempts);
        Assert.Equal(2, failing.Received.Count);
        Assert.Null(dead.NextAttemptAtUtc);
        Assert.NotNull(dead.DeadLetteredAtUtc);
        Assert.Single(ok.Received);
    }

    private static Task<WebhookDelivery> Row(AppHost host, string url) =>
        host.QueryDb(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Url == url));
}
