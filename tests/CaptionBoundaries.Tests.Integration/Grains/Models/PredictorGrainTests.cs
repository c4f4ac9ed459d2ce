using System.Collections.Concurrent;
using System.Diagnostics;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Tests.Grains.Models;

public sealed class PredictorGrainTests(ModelServingFixture fixture) : IClassFixture<ModelServingFixture>
{
    private async Task<(string Name, IModelGrain Model)> ModelWithVersions(params int[] seeds)
    {
        var name = $"served-{Guid.NewGuid():N}";
        var model = fixture.Grains.GetGrain<IModelGrain>(name);
        foreach (var seed in seeds) await model.RegisterVersion(fixture.WriteCheckpoint($"{name}-{seed}.pt", seed));
        return (name, model);
    }

    private IPredictorGrain Predictor(string name) => fixture.Grains.GetGrain<IPredictorGrain>(name);

    [Fact]
    public async Task PredictionsNameTheActiveVersion()
    {
        var (name, model) = await ModelWithVersions(11, 12);
        Assert.True((await model.Switch(1, "start")).Switched);

        var a = await Predictor(name).PredictOne(fixture.Sample);
        Assert.Equal((name, 1), (a.Model, a.Version));
        Assert.Equal(TaskSpec.Classes.Order(), a.Probabilities.Keys.Order());
        Assert.Equal(1.0, a.Probabilities.Values.Sum(), 4);
        Assert.Equal(a.Probabilities.Values.Max(), a.Confidence, 6);
        Assert.Equal(a.PredictedClass, a.Probabilities.MaxBy(kv => kv.Value).Key);

        Assert.True((await model.Switch(2, "next")).Switched);
        var b = await Predictor(name).PredictOne(fixture.Sample);
        Assert.Equal(2, b.Version);
        // Different seeds, different weights: the answer really came from another model.
        Assert.NotEqual(a.Probabilities["same"], b.Probabilities["same"]);
    }

    [Fact]
    public async Task BadInputIsRefusedNamingWhatIsWrong()
    {
        var (name, model) = await ModelWithVersions(13);
        var noActive = await Assert.ThrowsAnyAsync<Exception>(() => Predictor(name).PredictOne(fixture.Sample));
        Assert.Contains("no active version", noActive.Message);
        Assert.Contains(name, noActive.Message);

        Assert.True((await model.Switch(1, "start")).Switched);
        var shortFeatures = fixture.Sample with { SpatialFeatures = new float[7] };
        var e1 = await Assert.ThrowsAnyAsync<Exception>(() => Predictor(name).PredictOne(shortFeatures));
        Assert.Contains("spatial_features", e1.Message);
        Assert.Contains("got 7", e1.Message);

        var garbage = fixture.Sample with { Frame2 = InputImage.FromEncoded([1, 2, 3, 4]) };
        var e2 = await Assert.ThrowsAnyAsync<Exception>(() => Predictor(name).PredictOne(garbage));
        Assert.Contains("frame2", e2.Message);
        Assert.Contains("not a PNG, JPEG", e2.Message);

        // The failures did not poison the served version.
        Assert.Equal(1, (await Predictor(name).PredictOne(fixture.Sample)).Version);
    }

    [Fact]
    public async Task LiveSwitchingLosesNoRequestAndRequestsAfterASwitchUseTheNewVersion()
    {
        var (name, model) = await ModelWithVersions(21, 22);
        Assert.True((await model.Switch(1, "start")).Switched);
        await Predictor(name).PredictOne(fixture.Sample); // load v1 before the clock starts
        var before = fixture.Cache.Statistics;

        var clock = Stopwatch.StartNew();
        var responses = new ConcurrentBag<(TimeSpan Started, TimeSpan Ended, int Version)>();
        var failures = new ConcurrentBag<Exception>();
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                try
                {
                    var answer = await Predictor(name).PredictOne(fixture.Sample);
                    responses.Add((started, clock.Elapsed, answer.Version));
                }
                catch (Exception e)
                {
                    failures.Add(e);
                }
            }
        })).ToArray();

        // (asked, returned, version): a request that started after `returned` and ended before the next switch was
        // asked can only have been answered by `version`; one that overlaps the next switch may see either.
        var switches = new List<(TimeSpan Asked, TimeSpan Returned, int Version)>();
        Task TenAnsweredSince(TimeSpan returned) => Eventually.True(
            () => Task.FromResult(responses.Count(r => r.Started > returned) >= 10), 60, () => $"{failures.Count} failures");
        foreach (var target in new[] { 2, 1, 2, 1, 2 })
        {
            await TenAnsweredSince(switches.Count == 0 ? TimeSpan.Zero : switches[^1].Returned);
            var asked = clock.Elapsed;
            var result = await model.Switch(target, $"live switch to {target}");
            Assert.True(result.Switched, result.Reason);
            switches.Add((asked, clock.Elapsed, target));
        }
        await TenAnsweredSince(switches[^1].Returned);
        stop.Cancel();
        await Task.WhenAll(loops);

        Assert.Empty(failures);
        Assert.True(responses.Count > 50, $"only {responses.Count} responses");
        Assert.All(responses, r => Assert.Contains(r.Version, new[] { 1, 2 }));
        for (var i = 0; i < switches.Count; i++)
        {
            var from = switches[i].Returned;
            var until = i + 1 < switches.Count ? switches[i + 1].Asked : TimeSpan.MaxValue;
            var between = responses.Where(r => r.Started > from && r.Ended < until).ToList();
            var wrong = between.Count(r => r.Version != switches[i].Version);
            Assert.True(wrong == 0,
                $"{wrong} of {between.Count} requests made after the switch to v{switches[i].Version} returned were answered by another version");
            Assert.True(between.Count >= 5, $"only {between.Count} requests ran between switch {i} and the next");
        }

        var after = fixture.Cache.Statistics;
        var requests = after.Requests - before.Requests;
        var passes = after.ForwardPasses - before.ForwardPasses;
        Assert.True(requests >= responses.Count, $"cache counted {requests} requests for {responses.Count} responses");
        Assert.True(passes < requests, $"no batching: {passes} forward passes for {requests} requests");
        Assert.True(after.LargestBatch > 1);
        // Each switch retired the other version while requests were still on it; none of them failed (above).
        Assert.True(after.VersionsDisposed > before.VersionsDisposed, "no version was unloaded during the switches");
    }

    [Fact]
    public async Task AVersionNoLongerActiveIsUnloadedOnceItsRequestsFinish()
    {
        var (name, model) = await ModelWithVersions(31, 32);
        Assert.True((await model.Switch(1, "start")).Switched);
        await Predictor(name).PredictOne(fixture.Sample);
        var before = fixture.Cache.Statistics;

        Assert.True((await model.Switch(2, "replace")).Switched);
        Assert.Equal(2, (await Predictor(name).PredictOne(fixture.Sample)).Version);

        var deadline = Stopwatch.StartNew();
        while (fixture.Cache.Statistics.VersionsDisposed == before.VersionsDisposed && deadline.Elapsed < TimeSpan.FromSeconds(5))
            await Task.Delay(20);
        var after = fixture.Cache.Statistics;
        Assert.Equal(before.VersionsDisposed + 1, after.VersionsDisposed);
        Assert.Equal(before.VersionsLoaded + 1, after.VersionsLoaded);

        // Rolling back loads v1 again: the cache reloads what it dropped.
        Assert.True((await model.Rollback("back")).Switched);
        Assert.Equal(1, (await Predictor(name).PredictOne(fixture.Sample)).Version);
    }
}
