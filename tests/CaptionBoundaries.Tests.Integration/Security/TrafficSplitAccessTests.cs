using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Security;

/// <summary>A model's traffic split belongs to its owner and admins: others cannot start, reshare, promote or abort it; viewers read it.</summary>
[Collection(AccessControlCollection.Name)]
public sealed class TrafficSplitAccessTests(AccessControlFixture fx)
{
    private static MultipartFormDataContent Form(byte[] bytes) => new() { { new ByteArrayContent(bytes), "file", "x.pt" } };

    private async Task BobsModel(HttpClient bob, string model)
    {
        using var folder = new TempFolder("cb-split-access");
        var plugins = fx.Factory.Services.GetRequiredService<PluginRegistry>();
        foreach (var seed in new[] { 7, 8 })
        {
            var checkpoint = await File.ReadAllBytesAsync(CheckpointFactory.WriteTinyCnn(plugins, folder.Combine($"{seed}.pt"), seed));
            await ApiJson.Expect(await bob.PostAsync($"/api/models/{model}/versions/upload", Form(checkpoint)), HttpStatusCode.Created);
        }
        await ApiJson.Expect(await bob.PostAsJsonAsync($"/api/models/{model}/switch", new { version = 1, reason = "launch" }), HttpStatusCode.OK);
    }

    private static async Task<JsonElement> Split(HttpClient client, string model) =>
        (await ApiJson.Expect(await client.GetAsync($"/api/models/{model}/split"), HttpStatusCode.OK)).GetProperty("split");

    [Fact]
    public async Task Another_researcher_and_a_viewer_cannot_start_promote_or_abort_a_split_and_nothing_changes()
    {
        using var bob = fx.Factory.CreateClient(fx.BobToken);
        using var carol = fx.Factory.CreateClient(fx.CarolToken);
        using var vera = fx.Factory.CreateClient(fx.ViewerToken);
        using var admin = fx.Factory.CreateClient();
        var model = $"bobs-split-{Guid.NewGuid():N}"[..24];
        await BobsModel(bob, model);

        var before = await fx.StateFingerprintAsync();
        foreach (var (who, client) in new[] { ("carol", carol), ("vera", vera) })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/api/models/{model}/split", new { mode = "canary", version = 2, share_percent = 50 })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/api/models/{model}/split", new { mode = "shadow", version = 2 })).StatusCode);
        }
        Assert.Equal(before, await fx.StateFingerprintAsync());
        Assert.Equal(JsonValueKind.Null, (await Split(bob, model)).ValueKind);

        // The owner starts a canary; the others can neither move it nor end it, but may read it.
        await ApiJson.Expect(await bob.PutAsJsonAsync($"/api/models/{model}/split", new { mode = "canary", version = 2, share_percent = 30, reason = "mine" }), HttpStatusCode.OK);
        before = await fx.StateFingerprintAsync();
        foreach (var client in new[] { carol, vera })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/api/models/{model}/split", new { mode = "canary", version = 2, share_percent = 99 })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/models/{model}/split/promote", new { reason = "take over" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/models/{model}/split/abort", new { reason = "stop it" })).StatusCode);
            var seen = await Split(client, model);
            Assert.Equal(30, seen.GetProperty("share_percent").GetInt32());
        }
        Assert.Equal(before, await fx.StateFingerprintAsync());
        var modelInfo = await ApiJson.Expect(await bob.GetAsync($"/api/models/{model}"), HttpStatusCode.OK);
        Assert.Equal(1, modelInfo.GetProperty("active_version").GetInt32());

        // Refusals are audited.
        var audit = await ApiJson.Expect(await admin.GetAsync("/api/audit?actor=carol"), HttpStatusCode.OK);
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("outcome").GetString()!.StartsWith("denied") && e.GetProperty("details").GetString()!.Contains(model));

        // A private model is "not found" to carol, split and all; an admin may end the split.
        await ApiJson.Expect(await bob.PutAsJsonAsync($"/api/models/{model}/visibility", new { @private = true }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, (await carol.GetAsync($"/api/models/{model}/split")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carol.PostAsJsonAsync($"/api/models/{model}/split/abort", new { reason = "x" })).StatusCode);
        await ApiJson.Expect(await admin.PostAsJsonAsync($"/api/models/{model}/split/abort", new { reason = "admin ends it" }), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, (await Split(bob, model)).ValueKind);
    }
}
