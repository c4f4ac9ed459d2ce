using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Security;

public sealed class PrivateModelsAcrossNodesTests
{
    [Fact]
    public async Task A_model_made_private_through_another_node_is_hidden_here_within_the_cache_age_without_a_restart()
    {
        await using var host = await AppHost.StartAsync("postgres");
        // Two nodes' caches over one database: this node read the (empty) list before the other node changed it.
        var here = new PrivateModels();
        var bob = new Actor("bob", [Roles.Viewer], IsAuthenticated: true, "test");
        Assert.True(await host.QueryDb(db => here.IsVisibleAsync(db, bob, "captions", CancellationToken.None)));

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            db.ModelAccess.Add(new ModelAccess { ModelName = "captions", Owner = "alice", IsPrivate = true, ChangedAtUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        await Eventually.True(async () => !await host.QueryDb(db => here.IsVisibleAsync(db, bob, "captions", CancellationToken.None)),
            (int)PrivateModels.MaxAge.TotalSeconds + 10, () => "the private model stayed visible to another user on this node");
        var alice = new Actor("alice", [Roles.Researcher], IsAuthenticated: true, "test");
        Assert.True(await host.QueryDb(db => here.IsVisibleAsync(db, alice, "captions", CancellationToken.None)));
    }
}
