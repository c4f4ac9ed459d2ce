using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Grains.Experiments;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace CaptionBoundaries.Tests.Cluster;

/// <summary>
/// Two real server processes in one cluster over PostgreSQL; one is killed (SIGKILL) while it trains. Its run must go
/// to the other node and resume from its last checkpoint, and nothing recorded, queued or served may be lost.
/// </summary>
public sealed class NodeFailureTests(ITestOutputHelper output)
{
    private const string Model = "cluster-served";
    private const int CutOffEpochs = 60;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    [Fact]
    public async Task AKilledNodesRunResumesOnTheOtherNodeFromItsLastCheckpointAndNothingRecordedQueuedOrServedIsLost()
    {
        await using var cluster = await ProcessCluster.CreateAsync();
        var dataset = Path.Combine(cluster.DataFolder, "datasets", "cluster");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = dataset,
            SamplesPerClass = 12,
            Seed = 4,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.25,
        }, null);
        var nodes = new[] { await cluster.StartNodeAsync("node-a"), await cluster.StartNodeAsync("node-b") };
        using var first = cluster.Http(nodes[0]);

        // One cluster: both nodes and their slots are known to the (single) scheduler, whichever node is asked.
        await Eventually.True(async () => (await Snapshot(first)).Nodes.Count(n => n.LostAtUtc is null) == 2, 60,
            () => $"both nodes should have joined:\n{cluster.Logs()}");
        using (var second = cluster.Http(nodes[1]))
        {
            Assert.Equal(["node-a/cpu:0", "node-b/cpu:0"], (await Snapshot(second)).Slots.Select(s => s.Name).Order());
            // What the console's node table shows: each node active in the membership table, with a heartbeat.
            var view = await NodeViews(second);
            Assert.Equal(["node-a", "node-b"], view.Select(n => n.GetProperty("name").GetString()));
            Assert.All(view, n => Assert.Equal("active", n.GetProperty("status").GetString()));
        }

        // Something served before the failure.
        var checkpoint = WriteCheckpoint(cluster);
        await ApiJson.Expect(await first.PostAsJsonAsync($"/api/models/{Model}/versions", new { checkpoint_path = checkpoint }), HttpStatusCode.Created);
        await ApiJson.Expect(await first.PutAsJsonAsync($"/api/models/{Model}/aliases/production", new { version = 1 }), HttpStatusCode.OK);
        var sample = DatasetManifest.Load(dataset).Samples[0];
        var predict = PredictBodies.Of(dataset, sample);

        // Two runs hold both slots, a third waits in the queue.
        var cutOff = await Submit(first, "cut-off", dataset, CutOffEpochs);
        var other = await Submit(first, "other", dataset, 5000);
        var queued = await Submit(first, "queued", dataset, 2);
        ExperimentInfo? seen = null;
        await Eventually.True(async () => (seen = await Info(first, cutOff)) is { Phase: ExperimentStatus.Running, EpochsDone: >= 3 }, 90,
            () => $"the first run never got going; last seen {seen}\n{cluster.Logs()}");
        Assert.Equal(ExperimentStatus.Running, (await Info(first, other)).Phase);
        Assert.Equal(ExperimentStatus.Queued, (await Info(first, queued)).Phase);

        var victim = nodes.Single(n => seen!.Slot!.StartsWith(n.Name + "/", StringComparison.Ordinal));
        var survivor = nodes.Single(n => n != victim);
        using var api = cluster.Http(survivor);
        await victim.KillAsync();
        var killedAt = DateTime.UtcNow;
        // An epoch is recorded just before the checkpoint a resume starts from is written, so a resume may redo the last
        // recorded epoch (the one in progress when the node died) but nothing before it.
        var epochsAtKill = (await RecordedEpochs(cluster, cutOff)).Max();

        // The cluster declares the node dead; the scheduler requeues its run with its last checkpoint.
        ExperimentInfo? requeued = null;
        await Eventually.True(async () => (requeued = await Info(api, cutOff)).Preemptions.Count == 1, 120,
            () => $"the killed node's run was never requeued; last seen {requeued}\n{cluster.Logs()}");
        var interruption = requeued!.Preemptions[0];
        output.WriteLine($"{victim.Name} killed after {epochsAtKill} epochs; requeued {(DateTime.UtcNow - killedAt).TotalSeconds:F1} s later " +
                         $"(at most that late: polled) to resume from epoch {interruption.CheckpointEpoch}");
        Assert.Equal(ExperimentGrain.ClusterActor, interruption.By);
        Assert.Contains($"node {victim.Name} left the cluster", interruption.Reason);
        Assert.True(epochsAtKill >= 3, $"only {epochsAtKill} epochs recorded before the kill");
        Assert.True(interruption.CheckpointEpoch >= epochsAtKill - 1,
            $"resumes from epoch {interruption.CheckpointEpoch} but {epochsAtKill} epochs were recorded: more than the epoch in progress was lost");
        var lost = (await NodeViews(api)).Single(n => n.GetProperty("name").GetString() == victim.Name);
        Assert.Equal("lost", lost.GetProperty("status").GetString());
        var snapshot = await Snapshot(api);
        Assert.NotNull(snapshot.Nodes.Single(n => n.Name == victim.Name).LostAtUtc);
        Assert.Equal([$"{survivor.Name}/cpu:0"], snapshot.Slots.Select(s => s.Name));

        // The active serving version survived, answered by the surviving node.
        var served = await ApiJson.Expect(await api.PostAsJsonAsync($"/api/models/{Model}/predict", predict), HttpStatusCode.OK);
        Assert.Equal(1, served.GetProperty("version").GetInt32());

        // Free the survivor's slot: the interrupted run resumes there (ahead of the queued one) and completes.
        await ApiJson.Expect(await api.PostAsync($"/api/experiments/{other}/cancel", null), HttpStatusCode.OK);
        ExperimentInfo? done = null;
        await Eventually.True(async () => (done = await Info(api, cutOff)).Phase == ExperimentStatus.Completed, 180,
            () => $"the resumed run never completed; last seen {done}\n{cluster.Logs()}");
        Assert.Equal($"{survivor.Name}/cpu:0", done!.Slot);
        Assert.Equal(CutOffEpochs, done.EpochsDone);

        // Nothing recorded was lost or written twice: every epoch exactly once.
        Assert.Equal(Enumerable.Range(1, CutOffEpochs), await RecordedEpochs(cluster, cutOff));

        // The queued run survived the failure and ran after the resumed one.
        await Eventually.True(async () => (await Info(api, queued)).Phase == ExperimentStatus.Completed, 120,
            () => $"the queued run never completed\n{cluster.Logs()}");
        var model = await ApiJson.Expect(await api.GetAsync($"/api/models/{Model}"), HttpStatusCode.OK);
        Assert.Equal(1, model.GetProperty("active_version").GetInt32());
    }

    private static string WriteCheckpoint(ProcessCluster cluster)
    {
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = cluster.PluginsFolder, WatchForChanges = false },
            NullLogger<PluginRegistry>.Instance);
        registry.LoadAll();
        return CheckpointFactory.WriteTinyCnn(registry, Path.Combine(cluster.DataFolder, "uploads", "served.pt"), 3);
    }

    private static async Task<Guid> Submit(HttpClient http, string name, string dataset, int epochs)
    {
        var created = await ApiJson.Expect(await http.PostAsJsonAsync("/api/experiments", new
        {
            name,
            dataset_folder = dataset,
            architecture = "tiny_test_cnn",
            learning_rate = 3e-3,
            batch_size = 8,
            epochs,
            weight_decay = 1e-4,
            seed = 5,
            image_size = 32,
        }), HttpStatusCode.Accepted);
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>
    /// Follows the API's contract for a node lost moments ago: 503 with Retry-After, until the cluster has declared it
    /// dead and the grain answers from another node.
    /// </summary>
    private static async Task<ExperimentInfo> Info(HttpClient http, Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await http.GetAsync($"/api/experiments/{id}");
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
                return (await ApiJson.Expect(response, HttpStatusCode.OK)).Deserialize<ExperimentInfo>(Json)!;
            Assert.NotNull(response.Headers.RetryAfter);
            await Task.Delay(500);
        }
    }

    private static async Task<SchedulerSnapshot> Snapshot(HttpClient http) =>
        (await http.GetFromJsonAsync<SchedulerSnapshot>("/api/slots", Json))!;

    private static async Task<List<JsonElement>> NodeViews(HttpClient http) =>
        (await ApiJson.Expect(await http.GetAsync("/api/cluster/nodes"), HttpStatusCode.OK)).EnumerateArray().ToList();

    private static async Task<List<int>> RecordedEpochs(ProcessCluster cluster, Guid experiment)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("""SELECT "Epoch" FROM "EpochMetrics" WHERE "ExperimentId" = @id ORDER BY "Epoch" """, connection);
        query.Parameters.AddWithValue("id", experiment);
        var epochs = new List<int>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) epochs.Add(reader.GetInt32(0));
        return epochs;
    }
}
