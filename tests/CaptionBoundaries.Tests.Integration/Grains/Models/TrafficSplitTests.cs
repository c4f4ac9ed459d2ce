using System.Collections.Concurrent;
using System.Diagnostics;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Registry;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Serving;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CaptionBoundaries.Tests.Grains.Models;

/// <summary>Canary and shadow candidates through the model grain and the predictor, on one silo with the tiny test CNN.</summary>
public sealed class TrafficSplitTests(ModelServingFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ModelServingFixture>
{
    private IServiceProvider Silo => ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;

    private ServingRecorder Recorder => Silo.GetRequiredService<ServingRecorder>();

    private IPredictorGrain Predictor(string name) => fixture.Grains.GetGrain<IPredictorGrain>(name);

    private async Task<(string Name, IModelGrain Model)> ServedModel(params int[] seeds)
    {
        var name = $"split-{Guid.NewGuid():N}";
        var model = fixture.Grains.GetGrain<IModelGrain>(name);
        foreach (var seed in seeds) await model.RegisterVersion(fixture.WriteCheckpoint($"{name}-{seed}.pt", seed));
        Assert.True((await model.Switch(1, "production")).Switched);
        return (name, model);
    }

    private async Task<List<ModelChange>> Changes(string model)
    {
        await using var scope = Silo.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        return await db.ModelChanges.AsNoTracking().Where(c => c.ModelName == model).OrderBy(c => c.Id).ToListAsync();
    }

    /// <summary>Runs <paramref name="count"/> requests, <paramref name="parallel"/> at a time, and returns the versions that answered.</summary>
    private async Task<int[]> Versions(string name, int count, int parallel, Func<int, PredictOptions>? options = null)
    {
        var versions = new int[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
                versions[i] = (await Predictor(name).PredictOne(fixture.Sample, options?.Invoke(i))).Version;
        })));
        return versions;
    }

    private static async Task Eventually(Func<bool> condition, string what, int seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"timed out after {seconds} s waiting for {what}");
            await Task.Delay(20);
        }
    }

    // ---- abuse first: every refused request names what is wrong and changes nothing ----

    [Fact]
    public async Task Bad_split_requests_are_refused_naming_the_field_and_change_nothing()
    {
        var (name, model) = await ServedModel(41, 42, 43);
        Assert.True((await model.Archive(3, "retired")).Refused is false);
        var before = await Changes(name);

        async Task Refused(Task<SplitResult> request, SplitRefusal refusal, string? field, string words)
        {
            var result = await request;
            Assert.Equal(refusal, result.Refusal);
            Assert.Equal(field, result.Field);
            Assert.Contains(words, result.Reason);
            Assert.False(result.Changed);
            Assert.Equal(1, result.ActiveVersion);
        }

        foreach (var share in new int?[] { 0, 100, 150, -5, null })
            await Refused(model.SetSplit("canary", 2, share, "bad share", "alice"), SplitRefusal.Invalid, "share_percent", "between 1 and 99");
        await Refused(model.SetSplit("shadow", 2, 20, "shadow with a share", "alice"), SplitRefusal.Invalid, "share_percent", "takes no share_percent");
        await Refused(model.SetSplit("blue-green", 2, 20, "unknown mode", "alice"), SplitRefusal.Invalid, "mode", "'blue-green'");
        await Refused(model.SetSplit("canary", 9, 20, "unknown version", "alice"), SplitRefusal.NotFound, "version", "version 9");
        await Refused(model.SetSplit("canary", 3, 20, "archived", "alice"), SplitRefusal.Invalid, "version", "archived");
        await Refused(model.SetSplit("canary", 1, 20, "itself", "alice"), SplitRefusal.Invalid, "version", "already the production version");
        await Refused(model.PromoteSplit("nothing to promote", "alice"), SplitRefusal.Conflict, null, "no canary or shadow to promote");
        await Refused(model.AbortSplit("nothing to abort", "alice"), SplitRefusal.Conflict, null, "no canary or shadow to abort");

        // A model that serves nothing has no production to split.
        var unserved = fixture.Grains.GetGrain<IModelGrain>($"split-unserved-{Guid.NewGuid():N}");
        await unserved.RegisterVersion(fixture.WriteCheckpoint($"unserved-{Guid.NewGuid():N}.pt", 44));
        var none = await unserved.SetSplit("canary", 1, 20, "no production", "alice");
        Assert.Equal(SplitRefusal.Conflict, none.Refusal);
        Assert.Contains("serves no version", none.Reason);

        var info = await model.GetInfo();
        Assert.Null(info.Split);
        Assert.Null((await model.GetActiveVersion())!.Split);
        Assert.Equal(before.Count, (await Changes(name)).Count);

        // With a canary running: a second split is a conflict, and the running one is untouched.
        Assert.True((await model.SetSplit("canary", 2, 10, "real canary", "alice")).Changed);
        var second = await model.SetSplit("shadow", 2, null, "another", "alice");
        Assert.Equal(SplitRefusal.Conflict, second.Refusal);
        Assert.Contains("already runs a canary of version 2 at 10%", second.Reason);
        Assert.Equal(10, (await model.GetInfo()).Split!.SharePercent);
        await Refused(model.SetSplit("canary", 2, 0, "share to zero", "alice"), SplitRefusal.Invalid, "share_percent", "between 1 and 99");
        Assert.Equal(10, (await model.GetInfo()).Split!.SharePercent);
    }

    [Fact]
    public async Task A_candidate_that_fails_validation_is_refused_and_takes_no_traffic()
    {
        var (name, model) = await ServedModel(45, 46);
        var candidate = (await model.GetInfo()).Versions.Single(v => v.Version == 2);
        // The registry's copy changes behind the registry's back: the stored SHA-256 no longer matches.
        var original = await File.ReadAllBytesAsync(candidate.CheckpointPath);
        await File.WriteAllBytesAsync(candidate.CheckpointPath, [.. original, 0]);
        try
        {
            var refused = await model.SetSplit("canary", 2, 50, "tampered", "alice");
            Assert.Equal(SplitRefusal.Conflict, refused.Refusal);
            Assert.Contains("checksum mismatch", refused.Reason);
            Assert.Null((await model.GetInfo()).Split);
            Assert.All(await Versions(name, 20, 4), v => Assert.Equal(1, v));
        }
        finally
        {
            await File.WriteAllBytesAsync(candidate.CheckpointPath, original);
        }
    }

    // ---- canary ----

    [Fact]
    public async Task A_canary_at_20_percent_answers_within_3_points_of_20_percent_of_2000_requests()
    {
        var (name, model) = await ServedModel(51, 52);
        var started = await model.SetSplit("canary", 2, 20, "try v2 on a fifth", "alice");
        Assert.True(started.Changed, started.Reason);

        var versions = await Versions(name, 2000, 16);
        var canary = versions.Count(v => v == 2);
        Assert.Equal(2000, canary + versions.Count(v => v == 1));
        var share = canary / 2000.0;
        Assert.True(Math.Abs(share - 0.20) <= 0.03, $"the canary answered {share:P1} of 2000 requests, expected 20% ± 3 points");

        // Every answer was recorded under its route.
        var stats = Recorder.Snapshot(name);
        Assert.Equal(canary, stats.Single(s => s.Version == 2).RequestsByRoute[ServingRoutes.Canary]);
        Assert.Equal(2000 - canary, stats.Single(s => s.Version == 1).RequestsByRoute[ServingRoutes.Production]);
    }

    [Fact]
    public async Task A_routing_key_always_takes_the_same_route_and_raising_the_share_only_adds_keys()
    {
        var (name, model) = await ServedModel(53, 54);
        Assert.True((await model.SetSplit("canary", 2, 30, "sticky", "alice")).Changed);
        var keys = Enumerable.Range(0, 150).Select(i => $"user-{i}").ToArray();

        var first = await Versions(name, keys.Length, 8, i => new PredictOptions(RoutingKey: keys[i]));
        var again = await Versions(name, keys.Length, 8, i => new PredictOptions(RoutingKey: keys[i]));
        Assert.Equal(first, again);
        Assert.Contains(2, first);
        Assert.Contains(1, first);

        // An explicit version still wins over the key's route.
        Assert.All(await Versions(name, 20, 4, i => new PredictOptions(Version: 1, RoutingKey: keys[i])), v => Assert.Equal(1, v));

        Assert.True((await model.SetSplit("canary", 2, 60, "more traffic", "alice")).Changed);
        var raised = await Versions(name, keys.Length, 8, i => new PredictOptions(RoutingKey: keys[i]));
        for (var i = 0; i < keys.Length; i++)
            if (first[i] == 2) Assert.True(raised[i] == 2, $"key {keys[i]} left the canary when its share went up");
        Assert.True(raised.Count(v => v == 2) > first.Count(v => v == 2));
    }

    [Fact]
    public void Routing_keys_spread_over_the_buckets_near_the_share()
    {
        // The hash alone, over many keys (the predictor test above shows the route follows it).
        foreach (var share in new[] { 1, 20, 50, 99 })
        {
            var taken = Enumerable.Range(0, 20_000).Count(i => CanaryRouting.TakesCanary("captions", 7, share, $"key-{i}"));
            Assert.True(Math.Abs(taken / 20_000.0 - share / 100.0) <= 0.01, $"{taken} of 20000 keys at {share}%");
        }
        Assert.Equal(CanaryRouting.BucketOf("captions", 7, "alice"), CanaryRouting.BucketOf("captions", 7, "alice"));
        // Another candidate samples other keys: over 2000 keys the two 20% canaries share about a fifth of their keys, not all.
        var a = Enumerable.Range(0, 2000).Where(i => CanaryRouting.TakesCanary("captions", 7, 20, $"key-{i}")).ToHashSet();
        var b = Enumerable.Range(0, 2000).Where(i => CanaryRouting.TakesCanary("captions", 8, 20, $"key-{i}")).ToHashSet();
        Assert.InRange(a.Intersect(b).Count() / (double)a.Count, 0.1, 0.3);
    }

    // ---- shadow ----

    [Fact]
    public async Task A_shadow_never_answers_the_client_and_its_disagreement_matches_a_hand_count()
    {
        var (name, model) = await ServedModel(61, 62);
        var samples = SplitSamples.All;
        // The hand count: each sample asked of both versions by name.
        var production = new List<string>();
        var candidate = new List<string>();
        foreach (var sample in samples)
        {
            production.Add((await Predictor(name).PredictOne(sample, new PredictOptions(Version: 1))).PredictedClass);
            candidate.Add((await Predictor(name).PredictOne(sample, new PredictOptions(Version: 2))).PredictedClass);
        }
        var disagreeing = production.Where((c, i) => c != candidate[i]).Count();
        Assert.True(disagreeing > 0 && disagreeing < samples.Count,
            $"the pair must disagree on some samples and agree on others for the count to mean anything ({disagreeing} of {samples.Count})");

        var productionBefore = Recorder.Snapshot(name).Single(s => s.Version == 1).RequestsByRoute[ServingRoutes.Production];
        Assert.True((await model.SetSplit("shadow", 2, null, "compare v2 quietly", "alice")).Changed);
        foreach (var sample in samples)
        {
            var answer = await Predictor(name).PredictOne(sample);
            Assert.Equal(1, answer.Version);
        }
        // One batch request too: compared sample by sample.
        var batch = await Predictor(name).Predict([.. samples.Take(5)], PredictOptions.Default);
        Assert.All(batch, a => Assert.Equal(1, a.Version));
        var expectedCompared = samples.Count + 5;
        var expectedDisagreed = disagreeing + production.Take(5).Where((c, i) => c != candidate[i]).Count();

        await Eventually(() => Recorder.Snapshot(name).SingleOrDefault(s => s.Version == 2)?.ShadowCompared == expectedCompared, "every shadow copy to be compared");
        var shadow = Recorder.Snapshot(name).Single(s => s.Version == 2);
        Assert.Equal(expectedDisagreed, shadow.ShadowDisagreed);
        Assert.Equal((double)expectedDisagreed / expectedCompared, shadow.ShadowDisagreementRate!.Value, 9);
        Assert.Equal(0, shadow.ShadowDropped);
        Assert.Equal(samples.Count + 1, shadow.RequestsByRoute[ServingRoutes.Shadow]);
        Assert.Equal(productionBefore + samples.Count + 1, Recorder.Snapshot(name).Single(s => s.Version == 1).RequestsByRoute[ServingRoutes.Production]);
    }

    [Fact]
    public async Task Under_a_burst_every_shadow_copy_is_compared_or_dropped_and_no_client_request_fails()
    {
        var (name, model) = await ServedModel(63, 64);
        Assert.True((await model.SetSplit("shadow", 2, null, "burst", "alice")).Changed);
        var versions = await Versions(name, 400, 48);
        Assert.All(versions, v => Assert.Equal(1, v));
        await Eventually(() => Recorder.Snapshot(name).SingleOrDefault(s => s.Version == 2) is { } s && s.ShadowCompared + s.ShadowDropped == 400,
            "every copy to be compared or dropped");
        var shadow = Recorder.Snapshot(name).Single(s => s.Version == 2);
        Assert.Equal(0, shadow.ShadowFailures);
        Assert.Equal(0, Recorder.Snapshot(name).Single(s => s.Version == 1).Failures);
    }

    [Fact]
    public async Task The_shadow_queue_drops_what_does_not_fit_and_never_makes_the_caller_wait()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var groups = new ConcurrentQueue<int[]>();
        var queue = new BoundedWorkQueue<int>(capacity: 3, maxBytes: 1000, maxGroup: 2, async items =>
        {
            entered.TrySetResult();
            await release.Task;
            groups.Enqueue([.. items]);
        }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.True(queue.TryEnqueue(0, 100));
        await entered.Task; // item 0 is in progress; three may wait
        Assert.True(queue.TryEnqueue(1, 100));
        Assert.True(queue.TryEnqueue(2, 100));
        Assert.True(queue.TryEnqueue(3, 100));
        Assert.False(queue.TryEnqueue(4, 100));                    // full
        Assert.Equal((3, 400L), (queue.Waiting, queue.HeldBytes)); // the one in progress still holds its bytes
        release.SetResult();
        await Eventually(() => groups.Count == 3 && queue.HeldBytes == 0, "the queue to drain");
        // What waited is taken together, at most two at a time, in order.
        Assert.Equal([[0], [1, 2], [3]], groups.ToArray());

        // Bytes bound the queue too: one copy larger than the budget is dropped even when the queue is empty.
        Assert.False(queue.TryEnqueue(5, 1001));
        Assert.True(queue.TryEnqueue(6, 1000));
        await queue.CloseAsync();
        Assert.Equal([6], groups.Last());
        Assert.False(queue.TryEnqueue(7, 1));
    }

    // ---- lifecycle, history, and what other changes do to a split ----

    [Fact]
    public async Task Start_share_promote_and_abort_are_each_recorded_with_who_and_why()
    {
        var (name, model) = await ServedModel(71, 72, 73);
        var before = (await Changes(name)).Count;

        var start = await model.SetSplit("canary", 2, 20, "v2 on a fifth", "alice");
        Assert.True(start.Changed, start.Reason);
        Assert.Equal((TrafficSplitModes.Canary, 2, (int?)20, "alice"), (start.Split!.Mode, start.Split.CandidateVersion, start.Split.SharePercent, start.Split.StartedBy));
        var route = (await model.GetActiveVersion())!;
        Assert.Equal((1, 2, 20), (route.Version.Version, route.Split!.Candidate.Version, route.Split.SharePercent));

        var same = await model.SetSplit("canary", 2, 20, "again", "alice");
        Assert.False(same.Changed);
        Assert.False(same.Refused);
        var share = await model.SetSplit("canary", 2, 45, "looks good", "bob");
        Assert.True(share.Changed);
        Assert.Equal(45, (await model.GetActiveVersion())!.Split!.SharePercent);

        var promote = await model.PromoteSplit("v2 wins", "carol");
        Assert.True(promote.Changed, promote.Reason);
        var info = await model.GetInfo();
        Assert.Equal(2, info.ActiveVersion);
        Assert.Null(info.Split);
        Assert.Equal(2, info.Aliases["production"]);
        Assert.Null((await model.GetActiveVersion())!.Split);

        Assert.True((await model.SetSplit("shadow", 3, null, "shadow v3", "dave")).Changed);
        var abort = await model.AbortSplit("v3 too slow", "erin");
        Assert.True(abort.Changed, abort.Reason);
        info = await model.GetInfo();
        Assert.Equal(2, info.ActiveVersion);
        Assert.Null(info.Split);

        // A rollback after a promote goes back to the version the canary replaced.
        Assert.Equal(1, (await model.Rollback("back to v1", "frank")).ActiveVersion);

        var changes = (await Changes(name)).Skip(before).ToList();
        Assert.Equal(
            [
                ("canary_start", 2, (int?)1, (int?)20, (int?)null, "alice", "v2 on a fifth"),
                ("canary_share", 2, 1, 45, 20, "bob", "looks good"),
                ("canary_promote", 2, 1, null, null, "carol", "v2 wins"),
                ("alias", 2, 1, null, null, "carol", "v2 wins"),
                ("shadow_start", 3, 2, null, null, "dave", "shadow v3"),
                ("shadow_abort", 3, 2, null, null, "erin", "v3 too slow"),
                ("rollback", 1, 2, null, null, "frank", "back to v1"),
                ("alias", 1, 2, null, null, "frank", "back to v1"),
            ],
            changes.Select(c => (c.Kind, c.Version, c.PreviousVersion, c.SharePercent, c.PreviousSharePercent, c.Actor, c.Reason)));
    }

    [Fact]
    public async Task A_switch_or_rollback_during_a_split_ends_it_and_the_candidate_cannot_be_archived()
    {
        var (name, model) = await ServedModel(74, 75, 76);
        Assert.True((await model.SetSplit("canary", 2, 50, "canary v2", "alice")).Changed);

        var archive = await model.Archive(2, "not now", "alice");
        Assert.True(archive.Refused);
        Assert.Contains("is the canary candidate", archive.Reason);

        var switched = await model.Switch(3, "hotfix v3", "bob");
        Assert.True(switched.Switched, switched.Reason);
        Assert.Null((await model.GetInfo()).Split);
        Assert.Null((await model.GetActiveVersion())!.Split);
        Assert.All(await Versions(name, 30, 4), v => Assert.Equal(3, v));
        var ended = (await Changes(name)).Last(c => c.Kind == "canary_abort");
        Assert.Equal(("bob", 2), (ended.Actor, ended.Version));
        Assert.Contains("ended by the switch to version 3: hotfix v3", ended.Reason);

        Assert.True((await model.SetSplit("shadow", 2, null, "shadow v2", "alice")).Changed);
        var back = await model.Rollback("v3 broke", "bob");
        Assert.Equal(1, back.ActiveVersion);
        Assert.Null((await model.GetInfo()).Split);
        Assert.Contains("ended by the rollback to version 1", (await Changes(name)).Last(c => c.Kind == "shadow_abort").Reason);
        // The candidate is archivable once its split has ended.
        Assert.False((await model.Archive(2, "done", "alice")).Refused);
    }

    [Fact]
    public async Task The_candidate_stays_loaded_while_the_split_lasts_and_is_unloaded_once_it_ends()
    {
        var (name, model) = await ServedModel(81, 82);
        var info = await model.GetInfo();
        string Sha(int v) => info.Versions.Single(x => x.Version == v).Sha256;
        await Predictor(name).PredictOne(fixture.Sample);
        Assert.Equal([Sha(1)], fixture.Cache.KeptFor(name));

        Assert.True((await model.SetSplit("canary", 2, 50, "keep me loaded", "alice")).Changed);
        var versions = await Versions(name, 40, 4);
        Assert.Contains(2, versions);
        // Every canary request has its answer; the candidate is still kept (a version off the route would be gone by now).
        Assert.Equal(new[] { Sha(1), Sha(2) }.Order(), fixture.Cache.KeptFor(name).Order());

        var disposed = fixture.Cache.Statistics.VersionsDisposed;
        Assert.True((await model.AbortSplit("done", "alice")).Changed);
        Assert.All(await Versions(name, 10, 2), v => Assert.Equal(1, v));
        Assert.Equal([Sha(1)], fixture.Cache.KeptFor(name));
        await Eventually(() => fixture.Cache.Statistics.VersionsDisposed > disposed, "the candidate to be unloaded");
    }

    /// <summary>
    /// Many concurrent clients through a canary start, a promote and a rollback: no request fails, and each answer names
    /// a version that was serving while the request ran (v1 before the canary; v1 or v2 during it; v2 after the promote;
    /// v1 after the rollback; a request overlapping a change may have either side's version).
    /// </summary>
    [Fact]
    public async Task Requests_through_a_canary_promote_and_a_rollback_all_succeed_with_a_version_that_was_serving()
    {
        var (name, model) = await ServedModel(91, 92);
        await Predictor(name).PredictOne(fixture.Sample);
        var clock = Stopwatch.StartNew();
        var responses = new ConcurrentBag<(TimeSpan Started, TimeSpan Ended, int Version)>();
        var failures = new ConcurrentBag<Exception>();
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                try
                {
                    // Half the clients send a routing key, half do not.
                    var options = i % 2 == 0 ? new PredictOptions(RoutingKey: $"client-{i}-{n++ % 10}") : PredictOptions.Default;
                    var answer = await Predictor(name).PredictOne(fixture.Sample, options);
                    responses.Add((started, clock.Elapsed, answer.Version));
                }
                catch (Exception e)
                {
                    failures.Add(e);
                }
            }
        })).ToArray();

        // (asked, returned, versions serving after it returned)
        var steps = new List<(TimeSpan Asked, TimeSpan Returned, int[] Serving)> { (TimeSpan.Zero, TimeSpan.Zero, [1]) };
        // A phase lasts until twelve requests started after its change returned are answered, by every version serving.
        Task PhaseServed()
        {
            var (_, returned, serving) = steps[^1];
            bool Served() => responses.Count(r => r.Started > returned) >= 12
                && serving.All(v => responses.Any(r => r.Started > returned && r.Version == v));
            return Eventually(Served, $"the phase serving [{string.Join(", ", serving)}] to answer", 60);
        }
        async Task Step(Func<Task<bool>> change, int[] serving)
        {
            await PhaseServed();
            var asked = clock.Elapsed;
            Assert.True(await change());
            steps.Add((asked, clock.Elapsed, serving));
        }
        await Step(async () => (await model.SetSplit("canary", 2, 40, "canary", "ops")).Changed, [1, 2]);
        await Step(async () => (await model.PromoteSplit("promote", "ops")).Changed, [2]);
        await Step(async () => (await model.Rollback("roll back", "ops")).Switched, [1]);
        await PhaseServed();
        stop.Cancel();
        await Task.WhenAll(loops);

        Assert.Empty(failures);
        Assert.True(responses.Count > 40, $"only {responses.Count} responses");
        var wrong = new List<string>();
        foreach (var r in responses)
        {
            // Allowed: what served in every phase the request overlapped (from the last change returned before it started
            // to the first change asked after it ended).
            var allowed = new HashSet<int>();
            for (var i = 0; i < steps.Count; i++)
            {
                var from = steps[i].Asked;
                var until = i + 1 < steps.Count ? steps[i + 1].Returned : TimeSpan.MaxValue;
                if (r.Started < until && r.Ended > from) allowed.UnionWith(steps[i].Serving);
            }
            if (!allowed.Contains(r.Version)) wrong.Add($"v{r.Version} for a request from {r.Started.TotalMilliseconds:F0} to {r.Ended.TotalMilliseconds:F0} ms");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(20)));
        var duringCanary = responses.Where(r => r.Started > steps[1].Returned && r.Ended < steps[2].Asked).Select(r => r.Version).ToList();
        Assert.Contains(1, duringCanary);
        Assert.Contains(2, duringCanary);
    }

    /// <summary>
    /// What a split costs production's clients, measured (the figures go to the test output and docs/traffic-split.md;
    /// nothing is asserted about time): the same requests in alternating rounds of production alone, with a shadow and
    /// with a 50% canary. Asserted: no request fails and with the shadow every client answer is production's.
    /// </summary>
    [Fact]
    public async Task Measured_client_latency_with_no_split_a_shadow_and_a_canary()
    {
        var (name, model) = await ServedModel(95, 96);
        await Versions(name, 64, 8); // warm v1
        await Predictor(name).PredictOne(fixture.Sample, new PredictOptions(Version: 2)); // and load v2 once
        var latencies = new Dictionary<string, List<double>> { ["none"] = [], ["shadow"] = [], ["canary 50%"] = [] };
        var wall = new Dictionary<string, TimeSpan> { ["none"] = TimeSpan.Zero, ["shadow"] = TimeSpan.Zero, ["canary 50%"] = TimeSpan.Zero };
        const int PerRound = 200, Parallel = 8;
        for (var round = 0; round < 2; round++)
        {
            foreach (var setting in latencies.Keys)
            {
                if (setting == "shadow") Assert.True((await model.SetSplit("shadow", 2, null, "measure", "bench")).Changed);
                if (setting == "canary 50%") Assert.True((await model.SetSplit("canary", 2, 50, "measure", "bench")).Changed);
                var clock = Stopwatch.StartNew();
                var times = new ConcurrentBag<(double Ms, int Version)>();
                var next = -1;
                await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => Task.Run(async () =>
                {
                    for (var i = Interlocked.Increment(ref next); i < PerRound; i = Interlocked.Increment(ref next))
                    {
                        var started = Stopwatch.GetTimestamp();
                        var answer = await Predictor(name).PredictOne(fixture.Sample);
                        times.Add((Stopwatch.GetElapsedTime(started).TotalMilliseconds, answer.Version));
                    }
                })));
                wall[setting] += clock.Elapsed;
                if (setting == "shadow") Assert.All(times, t => Assert.Equal(1, t.Version));
                latencies[setting].AddRange(times.Select(t => t.Ms));
                if (setting != "none") Assert.True((await model.AbortSplit("measured", "bench")).Changed);
            }
        }
        // Copies still queued when a shadow round ended are computed after it.
        await Eventually(() => Recorder.Snapshot(name).Single(s => s.Version == 2) is { } s && s.ShadowCompared + s.ShadowDropped == 2 * PerRound,
            "every shadow copy to be compared or dropped");
        var shadow = Recorder.Snapshot(name).Single(s => s.Version == 2);
        foreach (var (setting, ms) in latencies)
        {
            var sorted = ms.Order().ToArray();
            double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            output.WriteLine($"{setting,-11} {sorted.Length} requests, {Parallel} in flight: {sorted.Length / wall[setting].TotalSeconds:F0} req/s, " +
                $"p50 {At(0.5):F1} ms, p95 {At(0.95):F1} ms, p99 {At(0.99):F1} ms");
        }
        output.WriteLine($"shadow copies: {shadow.ShadowCompared} compared, {shadow.ShadowDropped} dropped, {shadow.ShadowFailures} failed; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Assert.Equal(0, shadow.ShadowFailures);
    }
}
