using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Security;

/// <summary>Another researcher's token: runs and models have owners, private runs stay private, and every refusal is audited.</summary>
[Collection(AccessControlCollection.Name)]
public sealed class OwnershipTests(AccessControlFixture fx)
{
    private string Dataset() => ApiRuns.Dataset(fx.Factory.DataFolder, "owners");

    private Task<string> StartRun(HttpClient client, string name, bool isPrivate = false, int epochs = 1) =>
        ApiRuns.StartAsync(client, Dataset(), name, isPrivate, epochs);

    private static Task WaitFinished(HttpClient client, string id) => ApiRuns.WaitFinishedAsync(client, id);

    [Fact]
    public async Task Runs_and_models_are_changed_by_their_owner_or_an_admin_only()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        using var admin = fx.Factory.CreateClient();

        var run = await StartRun(bob, "bobs-run");
        var before = await fx.StateFingerprintAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsync($"/api/experiments/{run}/cancel", null)).StatusCode);
        Assert.Equal(before, await fx.StateFingerprintAsync());
        await WaitFinished(bob, run);

        // The run's owner is the account behind the token, whatever the request body said.
        var listed = await ApiJson.Expect(await bob.GetAsync("/api/experiments?sort=created"), HttpStatusCode.OK);
        Assert.Contains(listed.EnumerateArray(), e => e.GetProperty("id").GetString() == run);

        var registered = await bob.PostAsJsonAsync("/api/models/bobs-model/versions", new { experiment_id = run });
        await ApiJson.Expect(registered, HttpStatusCode.Created);
        before = await fx.StateFingerprintAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsJsonAsync("/api/models/bobs-model/switch", new { version = 1, reason = "mine now" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PutAsJsonAsync("/api/models/bobs-model/aliases/production", new { version = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsJsonAsync("/api/models/bobs-model/versions", new { experiment_id = run })).StatusCode);
        Assert.Equal(before, await fx.StateFingerprintAsync());

        await ApiJson.Expect(await bob.PostAsJsonAsync("/api/models/bobs-model/switch", new { version = 1, reason = "owner" }), HttpStatusCode.OK);
        await ApiJson.Expect(await admin.PostAsJsonAsync("/api/models/bobs-model/switch", new { version = 1, reason = "admin" }), HttpStatusCode.OK);

        // Refusals are in the audit log with who and from where; only admins read it.
        var audit = await ApiJson.Expect(await admin.GetAsync("/api/audit?actor=carol"), HttpStatusCode.OK);
        var denied = audit.EnumerateArray().Where(e => e.GetProperty("outcome").GetString()!.StartsWith("denied")).ToList();
        Assert.Contains(denied, e => e.GetProperty("action").GetString() == "cancel experiment");
        Assert.Contains(denied, e => e.GetProperty("action").GetString() == "switch model version");
        Assert.All(denied, e => Assert.Equal("127.0.0.1", e.GetProperty("remote_address").GetString()));
        var bobsChanges = await ApiJson.Expect(await admin.GetAsync("/api/audit?actor=bob"), HttpStatusCode.OK);
        Assert.Contains(bobsChanges.EnumerateArray(), e => e.GetProperty("action").GetString() == "start experiment" && e.GetProperty("outcome").GetString() == "ok");
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync("/api/audit")).StatusCode);
    }

    [Fact]
    public async Task A_private_run_is_invisible_to_other_accounts_but_not_to_admins()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        using var admin = fx.Factory.CreateClient();
        var run = await StartRun(bob, "bobs-secret", isPrivate: true);
        await WaitFinished(bob, run);

        Assert.Equal(HttpStatusCode.NotFound, (await carol.GetAsync($"/api/experiments/{run}")).StatusCode);
        var carolsList = await ApiJson.Expect(await carol.GetAsync("/api/experiments?sort=created"), HttpStatusCode.OK);
        Assert.DoesNotContain(carolsList.EnumerateArray(), e => e.GetProperty("id").GetString() == run);
        var adminsList = await ApiJson.Expect(await admin.GetAsync("/api/experiments?sort=created"), HttpStatusCode.OK);
        Assert.Contains(adminsList.EnumerateArray(), e => e.GetProperty("id").GetString() == run);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync($"/api/experiments/{run}")).StatusCode);
    }

    [Fact]
    public async Task Tokens_are_managed_by_their_owner_and_a_revoked_token_stops_working()
    {
        using var admin = fx.Factory.CreateClient();
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        var created = await ApiJson.Expect(await admin.PostAsJsonAsync("/api/tokens", new { name = "to-revoke", user_name = "bob" }), HttpStatusCode.OK);
        var token = created.GetProperty("token").GetString()!;
        var id = created.GetProperty("info").GetProperty("id").GetString();
        using var bob = fx.Factory.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/api/experiments")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await carol.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.GetAsync("/api/tokens?user=bob")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/api/experiments")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await bob.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        var refused = await bob.GetAsync("/api/experiments");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", await refused.Content.ReadAsStringAsync());
        // Only the hash is stored: the token text appears nowhere in the listing.
        var listing = await (await admin.GetAsync("/api/tokens?user=bob")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, listing);
        Assert.Contains(token[..12], listing);
    }

    [Fact]
    public async Task A_sweep_is_paused_or_cancelled_by_its_owner_or_an_admin_only()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        var started = await ApiJson.Expect(await bob.PostAsJsonAsync("/api/sweeps", new Dictionary<string, object>
        {
            ["definition"] = "name: bobs-sweep\nmethod: random\nrun_cap: 2\nmetric: { name: val_macro_f1, goal: maximize }\nparameters:\n  lr: { distribution: log_uniform, min: 0.001, max: 0.01 }\n",
            ["dataset_folder"] = Dataset(),
            ["architecture"] = "tiny_test_cnn",
            ["image_size"] = 32,
            ["batch_size"] = 8,
            // Long enough that the sweep is still going when its owner cancels it.
            ["epochs"] = 200,
        }), HttpStatusCode.Accepted);
        var id = started.GetProperty("id").GetString();
        Assert.Equal("bob", started.GetProperty("owner").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsync($"/api/sweeps/{id}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PostAsync($"/api/sweeps/{id}/cancel", null)).StatusCode);
        var cancelled = await ApiJson.Expect(await bob.PostAsync($"/api/sweeps/{id}/cancel", null), HttpStatusCode.OK);
        Assert.Equal("Cancelled", cancelled.GetProperty("phase").GetString());
    }

    [Fact]
    public async Task A_private_model_is_found_by_its_owner_and_admins_only_in_listings_details_and_serving()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        using var admin = fx.Factory.CreateClient();
        var run = await StartRun(bob, "bobs-private-model-run");
        await WaitFinished(bob, run);
        await ApiJson.Expect(await bob.PostAsJsonAsync("/api/models/bobs-private/versions", new { experiment_id = run }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.PutAsJsonAsync("/api/models/bobs-private/visibility", new { @private = true })).StatusCode);
        var set = await ApiJson.Expect(await bob.PutAsJsonAsync("/api/models/bobs-private/visibility", new { @private = true }), HttpStatusCode.OK);
        Assert.Equal(("bob", true), (set.GetProperty("owner").GetString(), set.GetProperty("private").GetBoolean()));

        Assert.Equal(HttpStatusCode.NotFound, (await carol.GetAsync("/api/models/bobs-private")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carol.GetAsync("/api/models/performance/bobs-private")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carol.PostAsJsonAsync("/api/models/bobs-private/predict", PredictBodies.Of(Dataset()))).StatusCode);
        Assert.DoesNotContain("bobs-private", await carol.GetStringAsync("/api/models"));
        Assert.DoesNotContain("bobs-private", await carol.GetStringAsync("/api/monitoring/models"));
        Assert.Contains("bobs-private", await bob.GetStringAsync("/api/models"));
        Assert.Contains("bobs-private", await admin.GetStringAsync("/api/models"));
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/api/models/bobs-private")).StatusCode);

        await ApiJson.Expect(await bob.PutAsJsonAsync("/api/models/bobs-private/visibility", new { @private = false }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await carol.GetAsync("/api/models/bobs-private")).StatusCode);
    }
}
