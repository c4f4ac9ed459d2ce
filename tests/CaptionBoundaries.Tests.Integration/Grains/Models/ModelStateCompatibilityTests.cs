using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Grains.Models;
using CaptionBoundaries.Grains.Storage;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace CaptionBoundaries.Tests.Grains.Models;

/// <summary>Model grain state written before traffic splits existed still loads through the EF Core grain storage, and a split round-trips.</summary>
public sealed class ModelStateCompatibilityTests
{
    /// <summary>The fields a model grain stored before issue 16 (no Split, no SplitRevision).</summary>
    private sealed record StateBeforeSplits
    {
        public List<ModelVersionInfo> Versions { get; init; } = [];
        public int? ActiveVersion { get; init; }
        public List<ModelActivation> Activations { get; init; } = [];
        public List<int> RollbackStack { get; init; } = [];
        public Dictionary<string, int> Aliases { get; init; } = [];
        public List<AliasChange> AliasHistory { get; init; } = [];
        public int NextVersion { get; init; } = 1;
        public List<int> Archived { get; init; } = [];
    }

    [Fact]
    public async Task A_state_stored_before_splits_loads_without_a_split_and_a_split_round_trips()
    {
        await using var host = await AppHost.StartAsync("sqlite");
        var storage = new EfCoreGrainStorage("test", host.Services.GetRequiredService<IServiceScopeFactory>());
        var grain = GrainId.Create("model", "captions");
        var at = new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
        var version = new ModelVersionInfo(1, "/store/a.pt", new string('a', 64), "tiny_test_cnn", null, 0.5, at);

        var old = new GrainState<StateBeforeSplits>(new StateBeforeSplits
        {
            Versions = [version, version with { Version = 2 }],
            ActiveVersion = 1,
            NextVersion = 3,
            Activations = [new ModelActivation(1, null, ModelActivation.SwitchKind, "launch", at)],
            Aliases = { ["production"] = 1 },
        });
        await storage.WriteStateAsync("model", grain, old);

        var loaded = new GrainState<ModelState>(new ModelState());
        await storage.ReadStateAsync("model", grain, loaded);
        Assert.True(loaded.RecordExists);
        Assert.Equal((1, 3, 2), (loaded.State!.ActiveVersion!.Value, loaded.State.NextVersion, loaded.State.Versions.Count));
        Assert.Null(loaded.State.Split);
        Assert.Equal(0, loaded.State.SplitRevision);

        var split = new TrafficSplit(TrafficSplitModes.Canary, 2, 20, "alice", "try v2", at, at.AddMinutes(5));
        loaded.State = loaded.State with { Split = split, SplitRevision = 4 };
        await storage.WriteStateAsync("model", grain, loaded);
        var again = new GrainState<ModelState>(new ModelState());
        await storage.ReadStateAsync("model", grain, again);
        Assert.Equal(split, again.State!.Split);
        Assert.Equal(4, again.State.SplitRevision);
    }
}
