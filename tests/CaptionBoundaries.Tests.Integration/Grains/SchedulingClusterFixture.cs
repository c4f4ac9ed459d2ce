namespace CaptionBoundaries.Tests.Grains;

/// <summary>One two-slot cluster shared by the scheduling tests; each test leaves every slot free when it ends.</summary>
public sealed class SchedulingClusterFixture : IAsyncLifetime
{
    public GrainCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await GrainCluster.StartAsync(slots: 2);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
