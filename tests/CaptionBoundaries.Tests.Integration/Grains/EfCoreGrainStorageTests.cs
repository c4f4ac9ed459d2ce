using CaptionBoundaries.Grains.Storage;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CaptionBoundaries.Tests.Grains;

public sealed class EfCoreGrainStorageTests
{
    public sealed record Sample
    {
        public string Text { get; set; } = "";
        public List<Guid> Items { get; set; } = [];
        public Dictionary<string, int> Counts { get; set; } = [];
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task StateRoundTripsAndAStaleETagIsRefused(string provider)
    {
        await using var host = await AppHost.StartAsync(provider);
        var storage = new EfCoreGrainStorage("test", host.Services.GetRequiredService<IServiceScopeFactory>());
        var grain = GrainId.Create("sample", "k1");
        var item = Guid.NewGuid();

        var first = new GrainState<Sample>(new Sample());
        await storage.ReadStateAsync("state", grain, first);
        Assert.False(first.RecordExists);

        first.State = new Sample { Text = "one", Items = [item], Counts = { ["a"] = 1 } };
        await storage.WriteStateAsync("state", grain, first);
        var reader = new GrainState<Sample>(new Sample());
        await storage.ReadStateAsync("state", grain, reader);
        Assert.True(reader.RecordExists);
        Assert.Equal("one", reader.State!.Text);
        Assert.Equal([item], reader.State.Items);
        Assert.Equal(1, reader.State.Counts["a"]);
        Assert.Equal(first.ETag, reader.ETag);

        // The same grain under another state name is another row.
        var other = new GrainState<Sample>(new Sample());
        await storage.ReadStateAsync("other", grain, other);
        Assert.False(other.RecordExists);

        reader.State = reader.State with { Text = "two" };
        await storage.WriteStateAsync("state", grain, reader);
        // `first` still holds the ETag from before that write: its write is refused, not lost silently.
        first.State = first.State with { Text = "stale" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", grain, first));
        // A second writer believing the row absent is refused too.
        var blind = new GrainState<Sample>(new Sample { Text = "blind" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", grain, blind));

        var check = new GrainState<Sample>(new Sample());
        await storage.ReadStateAsync("state", grain, check);
        Assert.Equal("two", check.State!.Text);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", grain, first));
        await storage.ClearStateAsync("state", grain, check);
        var gone = new GrainState<Sample>(new Sample());
        await storage.ReadStateAsync("state", grain, gone);
        Assert.False(gone.RecordExists);
    }
}
