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
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CaptionBoundaries.Tests.Isolation;

/// <summary>
/// Finding 10 (issue 15), the training half: a run trained inside the server could take serving down with it. Against a
/// real `serve` process, a run that allocates past its limit and a run that hangs each end Failed with their reason in
/// the tracking database, while predictions keep answering, the server stays up and another run completes beside them.
/// </summary>
public sealed class TrainingIsolationProcessTests
{
    private const string Model = "isolation-served";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    [Fact]
    public async Task A_run_past_its_memory_limit_and_a_hung_run_fail_alone_while_serving_and_another_run_go_on()
    {
        await using var server = await IsolatedServer.StartAsync(slots: 3, new Dictionary<string, string>
        {
            // The hog's workers pass 2 GiB within a few steps; a normal tiny worker stays far below it.
            ["Training:MaxRunMemory"] = "2GiB",
            // Longer than a worker takes to start, load and report its first step on a 2-core machine under load (20 s was
            // too short at load 14-32: the hog was killed for no progress before it could pass the memory limit).
            ["Training:ProgressTimeout"] = "00:00:45",
        });
        var dataset = Path.Combine(server.DataFolder, "datasets", "isolation");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = dataset,
            SamplesPerClass = 8,
            Seed = 4,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.25,
        });
        using var http = server.Http();

        // Something served before the trouble starts.
        await ApiJson.Expect(await http.PostAsJsonAsync($"/api/models/{Model}/versions", new { checkpoint_path = WriteCheckpoint(server) }), HttpStatusCode.Created);
        await ApiJson.Expect(await http.PutAsJsonAsync($"/api/models/{Model}/aliases/production", new { version = 1 }), HttpStatusCode.OK);
        var sample = DatasetManifest.Load(dataset).Samples[0];
        var predict = PredictBodies.Of(dataset, sample);
        using var predictions = new PredictionLoop(server, Model, predict);

        var hog = await Submit(http, "hog", dataset, "memory_hog_test", epochs: 50);
        var hang = await Submit(http, "hang", dataset, "hanging_test", epochs: 3);
        var normal = await Submit(http, "normal", dataset, "tiny_test_cnn", epochs: 4);

        var served = predictions.Answered;
        await Eventually.True(async () => (await Info(http, hog)).Phase == ExperimentStatus.Failed, 180,
            () => $"the hog should have been killed; it is {Describe(http, hog)}\n{server.Log}");
        await Eventually.True(async () => (await Info(http, hang)).Phase == ExperimentStatus.Failed, 180,
            () => $"the hung run should have been killed; it is {Describe(http, hang)}\n{server.Log}");
        await Eventually.True(async () => (await Info(http, normal)).Phase is ExperimentStatus.Completed or ExperimentStatus.Failed, 300,
            () => $"the normal run should have finished; it is {Describe(http, normal)}\n{server.Log}");

        // Each failure is recorded with its reason, in the grain and in the tracking database.
        var hogInfo = await Info(http, hog);
        Assert.Matches(@"^used [\d.]+ GiB, limit 2 GiB", hogInfo.FailureReason);
        Assert.StartsWith("no progress for 45 s", (await Info(http, hang)).FailureReason);
        Assert.Equal(("Failed", hogInfo.FailureReason), Row(server, hog));
        Assert.Equal("Failed", Row(server, hang).Status);
        Assert.StartsWith("no progress for 45 s", Row(server, hang).Reason);
        // The other run completed beside them, every epoch recorded.
        var normalInfo = await Info(http, normal);
        Assert.True(normalInfo.Phase == ExperimentStatus.Completed, $"normal run: {normalInfo}\n{server.Log}");
        Assert.Equal(4, normalInfo.EpochsDone);
        Assert.Equal(("Completed", (string?)null), Row(server, normal));

        // The server lived through it, serving all along and after; the killed workers are gone.
        Assert.False(server.Process.HasExited, server.Log);
        await Eventually.True(() => Task.FromResult(predictions.Answered > served + 5), 30, () => $"predictions stopped at {predictions.Answered}");
        predictions.Stop();
        Assert.Empty(predictions.Failures);
        Assert.True(predictions.Answered > 0);
        await ApiJson.Expect(await http.PostAsJsonAsync($"/api/models/{Model}/predict", predict), HttpStatusCode.OK);
        await Eventually.True(() => Task.FromResult(ChildrenOf(server.Process.Id).Count == 0), 30,
            () => $"worker processes left behind: {string.Join(", ", ChildrenOf(server.Process.Id))}");
    }

    [Fact]
    public async Task A_pre_empted_worker_resumes_from_its_checkpoint_with_each_epoch_recorded_once_and_a_cancelled_one_stops()
    {
        await using var server = await IsolatedServer.StartAsync(slots: 1, new Dictionary<string, string>());
        var dataset = Path.Combine(server.DataFolder, "datasets", "isolation");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            OutputFolder = dataset,
            SamplesPerClass = 8,
            Seed = 4,
            Width = 48,
            Height = 32,
            ValidationFraction = 0.25,
        });
        using var http = server.Http();

        // Pre-empted after a few epochs: the worker is stopped, the run requeued, and a new worker resumes it.
        var resumed = await Submit(http, "resumed", dataset, "tiny_test_cnn", epochs: 12);
        await Eventually.True(async () => (await Info(http, resumed)).EpochsDone >= 3, 120, () => $"{Describe(http, resumed)}\n{server.Log}");
        await ApiJson.Expect(await http.PostAsJsonAsync($"/api/experiments/{resumed}/preempt", new { reason = "isolation test" }), HttpStatusCode.OK);
        await Eventually.True(async () => (await Info(http, resumed)).Phase is ExperimentStatus.Completed or ExperimentStatus.Failed, 180,
            () => $"{Describe(http, resumed)}\n{server.Log}");
        var info = await Info(http, resumed);
        Assert.True(info.Phase == ExperimentStatus.Completed, $"{info}\n{server.Log}");
        Assert.Single(info.Preemptions);
        Assert.Equal(Enumerable.Range(1, 12), RecordedEpochs(server, resumed));
        // The workers recorded the per-step train loss too: 30 train samples in batches of 4 are 8 steps an epoch, 96 in
        // all, logged every 10 and at the last; the resumed worker replaced what the first had logged past its checkpoint.
        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 96], RecordedSteps(server, resumed));

        // Cancelled while training: the worker stops and the run ends Cancelled, in the grain and in its row.
        var cancelled = await Submit(http, "cancelled", dataset, "tiny_test_cnn", epochs: 500);
        await Eventually.True(async () => (await Info(http, cancelled)).EpochsDone >= 1, 120, () => $"{Describe(http, cancelled)}\n{server.Log}");
        await ApiJson.Expect(await http.PostAsync($"/api/experiments/{cancelled}/cancel", null), HttpStatusCode.OK);
        await Eventually.True(async () => (await Info(http, cancelled)).Phase == ExperimentStatus.Cancelled, 60, () => $"{Describe(http, cancelled)}\n{server.Log}");
        Assert.Equal("Cancelled", Row(server, cancelled).Status);
        await Eventually.True(() => Task.FromResult(ChildrenOf(server.Process.Id).Count == 0), 30,
            () => $"worker processes left behind: {string.Join(", ", ChildrenOf(server.Process.Id))}");
    }

    private static List<int> RecordedEpochs(IsolatedServer server, Guid id)
    {
        using var connection = new SqliteConnection($"Data Source={server.DatabaseFile};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = """SELECT "Epoch" FROM "EpochMetrics" WHERE "ExperimentId" = $id ORDER BY "Epoch" """;
        query.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
        using var reader = query.ExecuteReader();
        var epochs = new List<int>();
        while (reader.Read()) epochs.Add(reader.GetInt32(0));
        return epochs;
    }

    private static List<long> RecordedSteps(IsolatedServer server, Guid id)
    {
        using var connection = new SqliteConnection($"Data Source={server.DatabaseFile};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = """SELECT "Step" FROM "RunMetrics" WHERE "ExperimentId" = $id AND "Key" = 'train_loss_step' ORDER BY "Step" """;
        query.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
        using var reader = query.ExecuteReader();
        var steps = new List<long>();
        while (reader.Read()) steps.Add(reader.GetInt64(0));
        return steps;
    }

    private static string WriteCheckpoint(IsolatedServer server)
    {
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = server.PluginsFolder, WatchForChanges = false },
            NullLogger<PluginRegistry>.Instance);
        registry.LoadAll();
        return CheckpointFactory.WriteTinyCnn(registry, Path.Combine(server.DataFolder, "uploads", "served.pt"), 3);
    }

    private static async Task<Guid> Submit(HttpClient http, string name, string dataset, string architecture, int epochs)
    {
        var created = await ApiJson.Expect(await http.PostAsJsonAsync("/api/experiments", new
        {
            name,
            dataset_folder = dataset,
            architecture,
            learning_rate = 3e-3,
            batch_size = 4,
            epochs,
            weight_decay = 1e-4,
            seed = 5,
            image_size = 32,
        }), HttpStatusCode.Accepted);
        return created.GetProperty("id").GetGuid();
    }

    private static async Task<ExperimentInfo> Info(HttpClient http, Guid id) =>
        (await ApiJson.Expect(await http.GetAsync($"/api/experiments/{id}"), HttpStatusCode.OK)).Deserialize<ExperimentInfo>(Json)!;

    private static string Describe(HttpClient http, Guid id) => Info(http, id).GetAwaiter().GetResult().ToString();

    /// <summary>The run's row in the tracking database, as the server left it.</summary>
    private static (string Status, string? Reason) Row(IsolatedServer server, Guid id)
    {
        using var connection = new SqliteConnection($"Data Source={server.DatabaseFile};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = """SELECT "Status", "FailureReason" FROM "Experiments" WHERE "Id" = $id""";
        query.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
        using var reader = query.ExecuteReader();
        Assert.True(reader.Read(), $"no row for {id}");
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    private static List<int> ChildrenOf(int pid) =>
        Directory.EnumerateDirectories($"/proc/{pid}/task")
            .SelectMany(task => File.Exists(Path.Combine(task, "children")) ? File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries) : [])
            .Select(int.Parse).ToList();
}
