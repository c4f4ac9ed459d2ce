using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Application.Features.Training;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Registry;

/// <summary>Registry lifecycle over the API: register from a run, aliases, promote, rollback, archive, history, events.</summary>
public sealed class ModelRegistryTests : IAsyncLifetime
{
    private readonly WebhookReceiver _webhook = new();
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;
    private string _dataset = null!;

    public async Task InitializeAsync()
    {
        _factory = new ApiFactory();
        _factory.Settings["Registry:Webhooks:0"] = _webhook.Url;
        _factory.CreateClient().Dispose();
        // The change history names the account behind the token: alice, an admin.
        _client = _factory.CreateClient(await _factory.CreateUserTokenAsync("alice", "admin"));
        _dataset = Path.Combine(_factory.DataFolder, "datasets", "registry");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = _dataset, SamplesPerClass = 4, Seed = 5, Width = 64, Height = 48 });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _webhook.Dispose();
    }

    private async Task<TrainModelResult> Train(int seed)
    {
        var result = await Accounts.SendAsLocalOperator(_factory.Services,
            new TrainModelCommand(TrainedRunFixture.TinyRun(_dataset, $"registry-{seed}", 1, seed) with { ImageHeight = 32, ImageWidth = 32, BatchSize = 8 }));
        Assert.Equal(ExperimentStatus.Completed, result.Status);
        return result;
    }

    private static Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected) => ApiJson.Expect(response, expected);

    [Fact]
    public async Task RegisteredFromAnExperimentTheVersionIsAnImmutableCopyWithItsProvenance()
    {
        var run = await Train(1);
        var version = await Json(await _client.PostAsJsonAsync("/api/models/captions/versions",
            new { experiment_id = run.ExperimentId.ToString("N")[..8] }), HttpStatusCode.Created);
        var stored = version.GetProperty("checkpoint_path").GetString()!;
        Assert.StartsWith(Path.Combine(_factory.DataFolder, "registry", "checkpoints"), stored);
        Assert.Equal(CheckpointFile.FileSha256(run.BestCheckpoint!), version.GetProperty("sha256").GetString());

        // The run's best.pt changing later does not change the registered version.
        File.WriteAllText(run.BestCheckpoint!, "overwritten");
        await Json(await _client.PostAsJsonAsync("/api/models/captions/switch", new { version = 1, reason = "first" }), HttpStatusCode.OK);

        var records = await Json(await _client.GetAsync("/api/models/captions/registry"), HttpStatusCode.OK);
        var row = records.GetProperty("versions")[0];
        Assert.Equal("experiment", row.GetProperty("source").GetString());
        Assert.Equal(run.ExperimentId, row.GetProperty("experiment_id").GetGuid());
        Assert.Equal("tiny_test_cnn", row.GetProperty("model_type").GetString());
        Assert.Equal("alice", row.GetProperty("created_by").GetString());
        using var inference = JsonDocument.Parse(row.GetProperty("inference_config_json").GetString()!);
        Assert.Equal(32, inference.RootElement.GetProperty("image_height").GetInt32());
        Assert.Contains(records.GetProperty("changes").EnumerateArray(), c => c.GetProperty("kind").GetString() == "register" && c.GetProperty("actor").GetString() == "alice");

        // A registry copy altered on disk is refused when loaded.
        var bytes = await File.ReadAllBytesAsync(stored);
        bytes[^3] ^= 0x55;
        await File.WriteAllBytesAsync(stored, bytes);
        await Json(await _client.PostAsJsonAsync("/api/models/captions/versions", new
        {
            checkpoint_path = CheckpointFactory.WriteTinyCnn(
            _factory.Services.GetRequiredService<Domain.Plugins.PluginRegistry>(), Path.Combine(_factory.DataFolder, "other.pt"), 3)
        }), HttpStatusCode.Created);
        await Json(await _client.PostAsJsonAsync("/api/models/captions/switch", new { version = 2 }), HttpStatusCode.OK);
        var refused = await Json(await _client.PostAsJsonAsync("/api/models/captions/switch", new { version = 1 }), HttpStatusCode.Conflict);
        Assert.Contains("checksum", refused.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AliasesMovePromoteRollBackAndArchiveWithHistoryAndEvents()
    {
        var first = await Train(1);
        var second = await Train(2);
        foreach (var run in new[] { first, second })
            await Json(await _client.PostAsJsonAsync("/api/models/lifecycle/versions", new { experiment_id = run.ExperimentId.ToString() }), HttpStatusCode.Created);

        var observer = new RecordingModelObserver();
        var grains = _factory.Services.GetRequiredService<IGrainFactory>();
        var reference = grains.CreateObjectReference<IModelObserver>(observer);
        await grains.GetGrain<IModelGrain>("lifecycle").Subscribe(reference);

        await Json(await _client.PutAsJsonAsync("/api/models/lifecycle/aliases/production", new { version = 1, reason = "go live" }), HttpStatusCode.OK);
        await Json(await _client.PutAsJsonAsync("/api/models/lifecycle/aliases/staging", new { version = 2, reason = "candidate" }), HttpStatusCode.OK);
        await Json(await _client.PutAsJsonAsync("/api/models/lifecycle/aliases/champion", new { version = 1 }), HttpStatusCode.OK);

        var taken = await Json(await _client.PutAsJsonAsync("/api/models/lifecycle/aliases/staging", new { version = 1 }), HttpStatusCode.BadRequest);
        Assert.Contains("taken by version 2", taken.GetProperty("detail").GetString());

        var promoted = await Json(await _client.PostAsJsonAsync("/api/models/lifecycle/promote", new { reason = "beats v1" }), HttpStatusCode.OK);
        Assert.Equal(2, promoted.GetProperty("active_version").GetInt32());
        var rolledBack = await Json(await _client.PostAsJsonAsync("/api/models/lifecycle/rollback", new { reason = "regression" }), HttpStatusCode.OK);
        Assert.Equal(1, rolledBack.GetProperty("active_version").GetInt32());

        var info = await Json(await _client.GetAsync("/api/models/lifecycle"), HttpStatusCode.OK);
        Assert.Equal(1, info.GetProperty("aliases").GetProperty("production").GetInt32());
        Assert.Equal(2, info.GetProperty("aliases").GetProperty("staging").GetInt32());

        var aliased = await Json(await _client.PostAsJsonAsync("/api/models/lifecycle/versions/2/archive", new { reason = "retire" }), HttpStatusCode.Conflict);
        Assert.Contains("staging", aliased.GetProperty("detail").GetString());
        await Json(await _client.PutAsJsonAsync("/api/models/lifecycle/aliases/staging", new { version = 1, move = true }), HttpStatusCode.OK);
        await Json(await _client.PostAsJsonAsync("/api/models/lifecycle/versions/2/archive", new { reason = "retire" }), HttpStatusCode.OK);
        var archived = await Json(await _client.PostAsJsonAsync("/api/models/lifecycle/switch", new { version = 2 }), HttpStatusCode.Conflict);
        Assert.Contains("archived", archived.GetProperty("detail").GetString());

        var records = await Json(await _client.GetAsync("/api/models/lifecycle/registry"), HttpStatusCode.OK);
        var changes = records.GetProperty("changes").EnumerateArray().ToList();
        Assert.All(changes, c => Assert.Equal("alice", c.GetProperty("actor").GetString()));
        Assert.Equal(["register", "register", "alias", "alias", "alias", "promote", "alias", "rollback", "alias", "alias", "archive"],
            changes.Select(c => c.GetProperty("kind").GetString()).Where(k => k is not "switch"));
        Assert.Contains(changes, c => c.GetProperty("kind").GetString() == "rollback" && c.GetProperty("reason").GetString() == "regression");
        Assert.True(records.GetProperty("versions")[1].GetProperty("archived").GetBoolean());

        // Every alias move reached the console observer and the webhook.
        var aliasMoves = changes.Count(c => c.GetProperty("kind").GetString() == "alias");
        await Eventually.True(() => Task.FromResult(observer.Notices.Count(n => n.Kind == ModelChangeNotice.AliasMoved) == aliasMoves), 10, () => $"observer saw {observer.Notices.Count} notices, expected {aliasMoves} alias moves");
        await Eventually.True(() => Task.FromResult(_webhook.Received.Count(n => n.GetProperty("kind").GetString() == "alias") == aliasMoves), 10, () => $"webhook received {_webhook.Received.Count} notices, expected {aliasMoves} alias moves");
        Assert.Contains(_webhook.Received, n => n.GetProperty("alias").GetString() == "production" && n.GetProperty("version").GetInt32() == 2 && n.GetProperty("actor").GetString() == "alice");
    }

    [Fact]
    public async Task BadRegistryRequestsNameTheProblem()
    {
        var missingRun = await Json(await _client.PostAsJsonAsync("/api/models/x/versions", new { experiment_id = "deadbeef" }), HttpStatusCode.NotFound);
        Assert.Contains("deadbeef", missingRun.GetProperty("detail").GetString());
        var badKind = await Json(await _client.PostAsJsonAsync("/api/models/x/versions", new { experiment_id = "deadbeef", kind = "worst" }), HttpStatusCode.BadRequest);
        Assert.True(badKind.GetProperty("errors").TryGetProperty("kind", out _));
        await Json(await _client.PostAsJsonAsync("/api/models/never/promote", new { }), HttpStatusCode.NotFound);
        var sameAlias = await Json(await _client.PostAsJsonAsync("/api/models/x/promote", new { from = "staging", to = "staging" }), HttpStatusCode.BadRequest);
        Assert.True(sameAlias.GetProperty("errors").TryGetProperty("to", out _));
    }
}

public sealed class RecordingModelObserver : IModelObserver
{
    public System.Collections.Concurrent.ConcurrentQueue<ModelChangeNotice> Notices { get; } = new();

    public void OnChanged(ModelChangeNotice notice) => Notices.Enqueue(notice);
}
