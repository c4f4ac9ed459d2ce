using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Mlflow;

/// <summary>One server for the MLflow abuse tests: two researchers (one with a private run), a viewer.</summary>
public sealed class MlflowAbuseFixture : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new() { Slots = 1 };
    public HttpClient Ann { get; private set; } = null!;
    public HttpClient Ben { get; private set; } = null!;
    public HttpClient Viewer { get; private set; } = null!;
    public string AnnsRun { get; private set; } = "";
    public string AnnsPrivateRun { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Factory.CreateClient().Dispose();
        Ann = Factory.CreateClient(await Factory.CreateUserTokenAsync("ann", Roles.Researcher));
        Ben = Factory.CreateClient(await Factory.CreateUserTokenAsync("ben", Roles.Researcher));
        Viewer = Factory.CreateClient(await Factory.CreateUserTokenAsync("val", Roles.Viewer));
        AnnsRun = await MlflowAbuseTests.CreateRun(Ann, "anns-run");
        AnnsPrivateRun = await MlflowAbuseTests.CreateRun(Ann, "anns-private");
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var id = Guid.Parse(AnnsPrivateRun);
        await db.Experiments.Where(e => e.Id == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.IsPrivate, true));
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>
/// The MLflow surfaces tried as an attacker would: another account's runs, a viewer's token, traversal in artifact
/// paths, oversized and malformed bodies, batches with one bad entry. Each is refused with MLflow's error shape and
/// leaves nothing stored.
/// </summary>
public sealed class MlflowAbuseTests(MlflowAbuseFixture fixture) : IClassFixture<MlflowAbuseFixture>
{
    private const string Api = "/api/2.0/mlflow";
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts";

    public static async Task<string> CreateRun(HttpClient client, string name)
    {
        var created = await ApiJson.Expect(await client.PostAsJsonAsync($"{Api}/runs/create", new { experiment_id = "0", run_name = name, start_time = 1 }), HttpStatusCode.OK);
        return created.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    }

    private static async Task Refused(HttpResponseMessage response, HttpStatusCode status, string errorCode, string? mentions = null)
    {
        var body = await ApiJson.Expect(response, status);
        Assert.Equal(errorCode, body.GetProperty("error_code").GetString());
        if (mentions is not null) Assert.Contains(mentions, body.GetProperty("message").GetString());
    }

    private async Task<int> StoredMetrics(string runId)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var id = Guid.Parse(runId);
        return await scope.ServiceProvider.GetRequiredService<TrackingDbContext>().RunMetrics.CountAsync(m => m.ExperimentId == id);
    }

    [Fact]
    public async Task A_private_run_of_another_account_does_not_exist_for_anyone_else()
    {
        var run = fixture.AnnsPrivateRun;
        await Refused(await fixture.Ben.GetAsync($"{Api}/runs/get?run_id={run}"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await Refused(await fixture.Viewer.GetAsync($"{Api}/metrics/get-history?run_id={run}&metric_key=loss"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await Refused(await fixture.Viewer.GetAsync($"{Api}/artifacts/list?run_id={run}"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await Refused(await fixture.Ben.GetAsync($"{Proxy}/0/{run}/artifacts/x.txt"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        var search = await ApiJson.Expect(await fixture.Ben.PostAsJsonAsync($"{Api}/runs/search", new { experiment_ids = new[] { "0" } }), HttpStatusCode.OK);
        var ids = search.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString()).ToList();
        Assert.Contains(fixture.AnnsRun, ids);
        Assert.DoesNotContain(run, ids);
        // Its owner sees it.
        await ApiJson.Expect(await fixture.Ann.GetAsync($"{Api}/runs/get?run_id={run}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Nobody_but_the_owner_writes_to_a_run()
    {
        var run = fixture.AnnsRun;
        var before = await StoredMetrics(run);
        var point = new { run_id = run, key = "loss", value = 1.0, timestamp = 1, step = 0 };
        await Refused(await fixture.Viewer.PostAsJsonAsync($"{Api}/runs/log-metric", point), HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await Refused(await fixture.Ben.PostAsJsonAsync($"{Api}/runs/log-metric", point), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "ann");
        await Refused(await fixture.Ben.PostAsJsonAsync($"{Api}/runs/update", new { run_id = run, status = "KILLED" }), HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await Refused(await fixture.Ben.PostAsJsonAsync($"{Api}/runs/delete", new { run_id = run }), HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await Refused(await fixture.Ben.PutAsync($"{Proxy}/0/{run}/artifacts/evil.txt", new ByteArrayContent([1, 2, 3])), HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await Refused(await fixture.Viewer.PostAsJsonAsync($"{Api}/experiments/create", new { name = "viewer-exp" }), HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        Assert.Equal(before, await StoredMetrics(run));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a/../../b.txt")]
    [InlineData("%2e%2e/%2e%2e/secret")]
    [InlineData("a\\..\\..\\b.txt")]
    public async Task Artifact_paths_that_leave_the_run_are_refused(string path)
    {
        var run = fixture.AnnsRun;
        var response = await fixture.Ann.PutAsync($"{Proxy}/0/{run}/artifacts/{path}", new ByteArrayContent([1, 2, 3]));
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var scope = fixture.Factory.Services.CreateScope();
        var id = Guid.Parse(run);
        Assert.False(await scope.ServiceProvider.GetRequiredService<TrackingDbContext>().RunArtifacts.AnyAsync(a => a.ExperimentId == id && a.Path.Contains("..")));
    }

    [Fact]
    public async Task A_proxy_path_must_name_the_runs_own_experiment()
    {
        var run = fixture.AnnsRun;
        await Refused(await fixture.Ann.PutAsync($"{Proxy}/42/{run}/artifacts/x.txt", new ByteArrayContent([1])), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await Refused(await fixture.Ann.PutAsync($"{Proxy}/0/{run}/x.txt", new ByteArrayContent([1])), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await Refused(await fixture.Ann.GetAsync($"{Proxy}/0/not-a-run/artifacts/x.txt"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task A_batch_with_one_bad_entry_stores_nothing()
    {
        var run = fixture.AnnsRun;
        var before = await StoredMetrics(run);
        var good = Enumerable.Range(0, 20).Select(i => new { key = "loss", value = 1.0 / (i + 1), timestamp = 1L, step = (long)i }).ToList<object>();
        var badKey = good.Append(new { key = "../escape", value = 1.0, timestamp = 1L, step = 0L }).ToArray();
        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/log-batch", new { run_id = run, metrics = badKey }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Key");
        var longTag = new { key = "note", value = new string('x', 8001) };
        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/log-batch", new { run_id = run, metrics = good, tags = new[] { longTag } }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "8000");
        var tooMany = Enumerable.Range(0, 1001).Select(i => new { key = "m", value = 1.0, timestamp = 1L, step = (long)i }).ToArray();
        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/log-batch", new { run_id = run, metrics = tooMany }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "1000");
        var noTimestamp = good.Append(new { key = "loss", value = 1.0 }).ToArray();
        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/log-batch", new { run_id = run, metrics = noTimestamp }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "timestamp");
        Assert.Equal(before, await StoredMetrics(run));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"run_id\": {\"nested\": true}}")]
    [InlineData("{\"run_id\": \"x\", \"metrics\": \"many\"}")]
    public async Task Malformed_bodies_are_refused_as_malformed(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        await Refused(await fixture.Ann.PostAsync($"{Api}/runs/log-batch", content), HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
    }

    [Fact]
    public async Task Native_runs_take_tags_but_not_metrics_from_clients()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
        var native = new Experiment
        {
            Id = Guid.NewGuid(),
            Name = "native",
            ArchitectureName = "tiny_cnn",
            ModelConfigJson = "{\"width\":\"8\"}",
            HyperparametersJson = "{\"lr\":\"0.001\"}",
            AugmentationName = "none",
            EmbedderName = "glyph_profile",
            EmbedderVersion = "1",
            DatasetIdentity = "abc",
            DatasetName = "d",
            DatasetPath = "/x",
            GitCommit = "c0ffee",
            Device = "cpu",
            Owner = "ann",
            CreatedAtUtc = DateTime.UtcNow,
        };
        db.Experiments.Add(native);
        db.EpochMetrics.Add(new EpochMetric { ExperimentId = native.Id, Epoch = 1, TrainLoss = 1.5, ValLoss = 1.2, ValAccuracy = 0.4, ValMacroF1 = 0.3, PerClassF1Json = "{}", ConfusionMatrixJson = "[]" });
        db.EpochMetrics.Add(new EpochMetric { ExperimentId = native.Id, Epoch = 2, TrainLoss = 0.9, ValLoss = 0.8, ValAccuracy = 0.7, ValMacroF1 = 0.6, PerClassF1Json = "{}", ConfusionMatrixJson = "[]" });
        await db.SaveChangesAsync();
        var id = native.Id.ToString("N");

        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/log-metric", new { run_id = id, key = "val_macro_f1", value = 0.99, timestamp = 1 }),
            HttpStatusCode.BadRequest, "INVALID_STATE", "trained here");
        await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/set-tag", new { run_id = id, key = "reviewed", value = "yes" }), HttpStatusCode.OK);

        // Read through MLflow: epochs as metrics with step = epoch, hyperparameters and model config as params.
        var run = (await ApiJson.Expect(await fixture.Viewer.GetAsync($"{Api}/runs/get?run_id={id}"), HttpStatusCode.OK)).GetProperty("run");
        var metrics = run.GetProperty("data").GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!);
        Assert.Equal(0.6, metrics["val_macro_f1"].GetProperty("value").GetDouble());
        Assert.Equal(2, metrics["val_macro_f1"].GetProperty("step").GetInt64());
        var parameters = run.GetProperty("data").GetProperty("params").EnumerateArray().ToDictionary(p => p.GetProperty("key").GetString()!, p => p.GetProperty("value").GetString());
        Assert.Equal("0.001", parameters["lr"]);
        Assert.Equal("8", parameters["model.width"]);
        Assert.Equal("tiny_cnn", parameters["architecture"]);
        var history = await ApiJson.Expect(await fixture.Viewer.GetAsync($"{Api}/metrics/get-history?run_id={id}&metric_key=train_loss"), HttpStatusCode.OK);
        Assert.Equal([1.5, 0.9], history.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("value").GetDouble()));
        var found = await ApiJson.Expect(await fixture.Viewer.PostAsJsonAsync($"{Api}/runs/search",
            new { experiment_ids = new[] { "0" }, filter = "metrics.val_macro_f1 > 0.5 and tags.reviewed = 'yes' and params.architecture = 'tiny_cnn'" }), HttpStatusCode.OK);
        Assert.Equal([id], found.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString()));
    }

    [Fact]
    public async Task Params_are_written_once_and_deleted_runs_take_no_more_logs()
    {
        var run = await CreateRun(fixture.Ann, "params-once");
        await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/log-parameter", new { run_id = run, key = "lr", value = "0.1" }), HttpStatusCode.OK);
        await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/log-parameter", new { run_id = run, key = "lr", value = "0.1" }), HttpStatusCode.OK);
        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/log-parameter", new { run_id = run, key = "lr", value = "0.2" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed");
        await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/delete", new { run_id = run }), HttpStatusCode.OK);
        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/log-metric", new { run_id = run, key = "loss", value = 1, timestamp = 1 }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "active");
        var active = await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/search", new { experiment_ids = new[] { "0" }, filter = $"attributes.run_id = '{run}'" }), HttpStatusCode.OK);
        Assert.Empty(active.GetProperty("runs").EnumerateArray());
        var deleted = await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/search",
            new { experiment_ids = new[] { "0" }, filter = $"attributes.run_id = '{run}'", run_view_type = "DELETED_ONLY" }), HttpStatusCode.OK);
        Assert.Single(deleted.GetProperty("runs").EnumerateArray());
    }

    [Fact]
    public async Task Search_pages_are_stable_and_tokens_are_checked()
    {
        var experiment = await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/experiments/create", new { name = "paging" }), HttpStatusCode.OK);
        var experimentId = experiment.GetProperty("experiment_id").GetString();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var body = await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/create", new { experiment_id = experimentId, start_time = 1000 + i }), HttpStatusCode.OK);
            created.Add(body.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!);
        }
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await ApiJson.Expect(await fixture.Viewer.PostAsJsonAsync($"{Api}/runs/search",
                new { experiment_ids = new[] { experimentId }, max_results = 2, page_token = token }), HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString()!));
            token = page.TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
        } while (token is not null);
        Assert.Equal(Enumerable.Reverse(created), seen);
        await Refused(await fixture.Viewer.PostAsJsonAsync($"{Api}/runs/search", new { experiment_ids = new[] { experimentId }, page_token = "forged" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "page token");
        await Refused(await fixture.Viewer.PostAsJsonAsync($"{Api}/runs/search", new { experiment_ids = new[] { "abc" } }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await Refused(await fixture.Viewer.PostAsJsonAsync($"{Api}/runs/search", new { experiment_ids = new[] { experimentId }, max_results = 100_000 }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Downloads_are_attachments_never_rendered()
    {
        var run = fixture.AnnsRun;
        var html = "<script>alert(1)</script>"u8.ToArray();
        await ApiJson.Expect(await fixture.Ann.PutAsync($"{Proxy}/0/{run}/artifacts/page.html", new ByteArrayContent(html)), HttpStatusCode.OK);
        using var response = await fixture.Viewer.GetAsync($"{Proxy}/0/{run}/artifacts/page.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(html, await response.Content.ReadAsByteArrayAsync());
    }
}

/// <summary>MLflow's model-version sources tried as an attacker would: server paths, files that are not checkpoints, runs one may not see.</summary>
public sealed class MlflowRegistryAbuseTests(MlflowAbuseFixture fixture) : IClassFixture<MlflowAbuseFixture>
{
    private const string Api = "/api/2.0/mlflow";

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("file:///etc/shadow")]
    [InlineData("s3://bucket/model")]
    [InlineData("")]
    public async Task A_source_that_is_not_a_run_artifact_is_refused(string source)
    {
        var body = await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/model-versions/create", new { name = "abuse-model", source }), HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_PARAMETER_VALUE", body.GetProperty("error_code").GetString());
        Assert.Contains("source", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_artifact_that_is_not_a_checkpoint_registers_nothing()
    {
        var run = fixture.AnnsRun;
        await ApiJson.Expect(await fixture.Ann.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/0/{run}/artifacts/fake.pt", new ByteArrayContent(new byte[4096])), HttpStatusCode.OK);
        var body = await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/model-versions/create", new { name = "fake-model", source = $"runs:/{run}/fake.pt" }),
            HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_PARAMETER_VALUE", body.GetProperty("error_code").GetString());
        var missing = await ApiJson.Expect(await fixture.Viewer.GetAsync($"{Api}/registered-models/get?name=fake-model"), HttpStatusCode.NotFound);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", missing.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Another_accounts_private_run_cannot_be_a_source()
    {
        var body = await ApiJson.Expect(await fixture.Ben.PostAsJsonAsync($"{Api}/model-versions/create",
            new { name = "stolen", source = $"runs:/{fixture.AnnsPrivateRun}/model.pt" }), HttpStatusCode.NotFound);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Registered_model_names_and_aliases_follow_the_registry_rules()
    {
        var bad = await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/registered-models/create", new { name = "../../etc" }), HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_PARAMETER_VALUE", bad.GetProperty("error_code").GetString());
        await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/registered-models/create", new { name = "anns-model" }), HttpStatusCode.OK);
        var again = await ApiJson.Expect(await fixture.Ben.PostAsJsonAsync($"{Api}/registered-models/create", new { name = "anns-model" }), HttpStatusCode.BadRequest);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", again.GetProperty("error_code").GetString());
        var noAlias = await ApiJson.Expect(await fixture.Viewer.GetAsync($"{Api}/registered-models/alias?name=anns-model&alias=champion"), HttpStatusCode.NotFound);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", noAlias.GetProperty("error_code").GetString());
        var search = await ApiJson.Expect(await fixture.Viewer.GetAsync($"{Api}/registered-models/search?filter=" + Uri.EscapeDataString("name LIKE 'anns-%'")), HttpStatusCode.OK);
        Assert.Equal(["anns-model"], search.GetProperty("registered_models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
    }
}

/// <summary>What the hostile review of the MLflow layer found, each as a request that once answered 500 or was accepted.</summary>
public sealed class MlflowReviewFindingsTests(MlflowAbuseFixture fixture) : IClassFixture<MlflowAbuseFixture>
{
    private const string Api = "/api/2.0/mlflow";

    private static async Task Refused(HttpResponseMessage response, HttpStatusCode status, string errorCode)
    {
        var body = await ApiJson.Expect(response, status);
        Assert.Equal(errorCode, body.GetProperty("error_code").GetString());
    }

    [Theory]
    [InlineData("/runs/log-batch", """{"run_id": "RUN", "metrics": [null]}""")]
    [InlineData("/runs/log-batch", """{"run_id": "RUN", "params": [null], "tags": [null]}""")]
    [InlineData("/runs/create", """{"experiment_id": "0", "tags": [null]}""")]
    [InlineData("/experiments/create", """{"name": "nulls", "tags": [null]}""")]
    public async Task Null_array_elements_are_refused_not_crashed_on(string path, string body)
    {
        using var content = new StringContent(body.Replace("RUN", fixture.AnnsRun), Encoding.UTF8, "application/json");
        await Refused(await fixture.Ann.PostAsync(Api + path, content), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task The_trainers_tags_cannot_be_forged_by_clients()
    {
        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/set-tag", new { run_id = fixture.AnnsRun, key = "cb.stopped_early", value = "forged" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/delete-tag", new { run_id = fixture.AnnsRun, key = "cb.stopped_early" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        var native = await fixture.Ann.PutAsJsonAsync($"/api/experiments/{fixture.AnnsRun}/tags/cb.stopped_early", new { value = "forged" });
        Assert.Equal(HttpStatusCode.BadRequest, native.StatusCode);
    }

    [Fact]
    public async Task Experiments_hold_at_most_a_hundred_tags()
    {
        var created = await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/experiments/create", new { name = "tagged" }), HttpStatusCode.OK);
        var id = created.GetProperty("experiment_id").GetString();
        for (var i = 0; i < 100; i++)
            await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/experiments/set-experiment-tag", new { experiment_id = id, key = $"k{i}", value = "v" }), HttpStatusCode.OK);
        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/experiments/set-experiment-tag", new { experiment_id = id, key = "k100", value = "v" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        // An existing tag can still change.
        await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/experiments/set-experiment-tag", new { experiment_id = id, key = "k0", value = "w" }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Calls_this_server_does_not_offer_answer_in_mlflows_shape()
    {
        await Refused(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/log-inputs", new { run_id = fixture.AnnsRun }), HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND");
        await Refused(await fixture.Viewer.GetAsync($"{Api}/logged-models/get?model_id=x"), HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND");
    }

    [Fact]
    public async Task Setting_the_run_name_tag_renames_the_run_and_a_rename_may_resend_the_status()
    {
        var run = await MlflowAbuseTests.CreateRun(fixture.Ann, "before");
        await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/set-tag", new { run_id = run, key = "mlflow.runName", value = "after" }), HttpStatusCode.OK);
        var got = await ApiJson.Expect(await fixture.Viewer.GetAsync($"{Api}/runs/get?run_id={run}"), HttpStatusCode.OK);
        Assert.Equal("after", got.GetProperty("run").GetProperty("info").GetProperty("run_name").GetString());
        var updated = await ApiJson.Expect(await fixture.Ann.PostAsJsonAsync($"{Api}/runs/update", new { run_id = run, status = "RUNNING", run_name = "again" }), HttpStatusCode.OK);
        Assert.Equal("again", updated.GetProperty("run_info").GetProperty("run_name").GetString());
    }
}
