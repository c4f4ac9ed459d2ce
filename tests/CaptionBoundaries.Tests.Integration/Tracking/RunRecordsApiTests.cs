using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Tracking;

/// <summary>Files, tags and notes on a run through the native API, and the runs list's owner, duration and tag columns and filters.</summary>
[Collection(RunRecordsCollection.Name)]
public sealed class RunRecordsApiTests(RunRecordsFixture fx)
{
    [Fact]
    public async Task Files_are_uploaded_raw_or_as_a_form_listed_by_folder_and_downloaded_back_byte_for_byte()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "files", "bob");
        var weights = RandomNumberGenerator.GetBytes(300_000);
        var blobsBefore = fx.BlobCount();

        var raw = await ApiJson.Expect(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/model/weights.bin", new ByteArrayContent(weights)), HttpStatusCode.Created);
        Assert.Equal("model/weights.bin", raw.GetProperty("path").GetString());
        Assert.Equal(weights.Length, raw.GetProperty("size_bytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(weights)), raw.GetProperty("sha256").GetString());
        Assert.Equal("bob", raw.GetProperty("uploaded_by").GetString());
        // A path ending in '/' is a folder: the form's file keeps its name in it.
        var form = new MultipartFormDataContent { { new ByteArrayContent("epoch,loss\n1,0.5\n"u8.ToArray()), "file", "loss.csv" } };
        var formed = await ApiJson.Expect(await fx.Bob.PostAsync($"/api/experiments/{run}/artifacts/plots/", form), HttpStatusCode.Created);
        Assert.Equal("plots/loss.csv", formed.GetProperty("path").GetString());
        // The same bytes under another name are stored once.
        await ApiJson.Expect(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/copy.bin", new ByteArrayContent(weights)), HttpStatusCode.Created);
        Assert.Equal(blobsBefore + 2, fx.BlobCount());

        var root = await ApiJson.Expect(await fx.Vera.GetAsync($"/api/experiments/{run}/artifacts"), HttpStatusCode.OK);
        Assert.Equal(["copy.bin:False", "model:True", "plots:True"],
            root.GetProperty("files").EnumerateArray().Select(f => $"{f.GetProperty("path").GetString()}:{f.GetProperty("is_directory").GetBoolean()}"));
        var plots = await ApiJson.Expect(await fx.Vera.GetAsync($"/api/experiments/{run}/artifacts?path=plots"), HttpStatusCode.OK);
        Assert.Equal("plots/loss.csv", plots.GetProperty("files").EnumerateArray().Single().GetProperty("path").GetString());
        var all = await ApiJson.Expect(await fx.Vera.GetAsync($"/api/experiments/{run}/artifacts?recursive=true"), HttpStatusCode.OK);
        Assert.Equal(["copy.bin", "model/weights.bin", "plots/loss.csv"], all.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        Assert.Equal(weights.Length, all.GetProperty("files")[1].GetProperty("size_bytes").GetInt64());

        using var download = await fx.Vera.GetAsync($"/api/experiments/{run}/artifacts/model/weights.bin");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(weights, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("weights.bin", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(404, (int)(await fx.Vera.GetAsync($"/api/experiments/{run}/artifacts/model")).StatusCode);
    }

    [Fact]
    public async Task An_uploaded_page_is_never_served_as_a_page_and_its_name_is_made_safe()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "html", "bob");
        const string page = "<html><script>alert(document.cookie)</script></html>";
        await ApiJson.Expect(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/evil%22%3B%20name.html", new StringContent(page, Encoding.UTF8, "text/html")), HttpStatusCode.Created);

        using var download = await fx.Vera.GetAsync($"/api/experiments/{run}/artifacts/{Uri.EscapeDataString("evil\"; name.html")}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", download.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("evil___name.html", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(page, await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Writing_a_path_again_replaces_what_it_names()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "replace", "bob");
        await ApiJson.Expect(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/notes.txt", new StringContent("first")), HttpStatusCode.Created);
        await ApiJson.Expect(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/notes.txt", new StringContent("second")), HttpStatusCode.Created);

        Assert.Equal("second", await fx.Bob.GetStringAsync($"/api/experiments/{run}/artifacts/notes.txt"));
        var all = await ApiJson.Expect(await fx.Bob.GetAsync($"/api/experiments/{run}/artifacts?recursive=true"), HttpStatusCode.OK);
        Assert.Single(all.GetProperty("files").EnumerateArray());
    }

    [Fact]
    public async Task Tags_are_set_replaced_listed_and_removed_and_a_note_is_kept_and_cleared()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "tags", "bob");
        static string Pairs(JsonElement tags) => string.Join(",", tags.EnumerateArray().Select(t => $"{t.GetProperty("key").GetString()}={t.GetProperty("value").GetString()}"));

        await ApiJson.Expect(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/stage", new { value = "draft" }), HttpStatusCode.OK);
        await ApiJson.Expect(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/team/vision", new { value = "" }), HttpStatusCode.OK);
        var replaced = await ApiJson.Expect(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/stage", new { value = "final" }), HttpStatusCode.OK);
        Assert.Equal("stage=final,team/vision=", Pairs(replaced));
        Assert.Equal("stage=final,team/vision=", Pairs(await ApiJson.Expect(await fx.Vera.GetAsync($"/api/experiments/{run}/tags"), HttpStatusCode.OK)));

        Assert.Equal("stage=final", Pairs(await ApiJson.Expect(await fx.Bob.DeleteAsync($"/api/experiments/{run}/tags/team/vision"), HttpStatusCode.OK)));
        var gone = await fx.Bob.DeleteAsync($"/api/experiments/{run}/tags/team/vision");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains("team/vision", await gone.Content.ReadAsStringAsync());

        var note = await ApiJson.Expect(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/note", new { note = "LR too high after epoch 2." }), HttpStatusCode.OK);
        Assert.Equal("LR too high after epoch 2.", note.GetProperty("note").GetString());
        Assert.Equal("LR too high after epoch 2.", await NoteOf(run));
        await ApiJson.Expect(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/note", new { note = "" }), HttpStatusCode.OK);
        Assert.Null(await NoteOf(run));
    }

    [Fact]
    public async Task The_runs_list_shows_owner_source_duration_and_tags_and_filters_by_tag_and_name()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var tagged = await TrackedRuns.NativeAsync(fx.Services, $"Alpha-{marker}", "bob", duration: TimeSpan.FromSeconds(125));
        var other = await TrackedRuns.NativeAsync(fx.Services, $"beta-{marker}", "carol");
        var external = await TrackedRuns.ExternalAsync(fx.Services, $"mlflow-alpha-{marker}", "carol",
            new Dictionary<string, double[]> { ["loss"] = [1, 0.5] }, tags: new Dictionary<string, string> { [$"k{marker}"] = "b" });
        await ApiJson.Expect(await fx.Bob.PutAsJsonAsync($"/api/experiments/{tagged}/tags/k{marker}", new { value = "a" }), HttpStatusCode.OK);
        await ApiJson.Expect(await fx.Carol.PutAsJsonAsync($"/api/experiments/{other}/tags/other{marker}", new { value = "a" }), HttpStatusCode.OK);

        var byKey = await Names($"tag=k{marker}&sort=created");
        Assert.Equal([$"mlflow-alpha-{marker}", $"Alpha-{marker}"], byKey);
        Assert.Equal([$"Alpha-{marker}"], await Names($"tag=k{marker}=a"));
        Assert.Equal([$"mlflow-alpha-{marker}"], await Names($"tag=k{marker}=b"));
        Assert.Empty(await Names($"tag=k{marker}=a&tag=other{marker}"));
        Assert.Equal([$"mlflow-alpha-{marker}", $"Alpha-{marker}"], await Names($"name=ALPHA-{marker}&sort=created"));

        var rows = await ApiJson.Expect(await fx.Vera.GetAsync($"/api/experiments?name={marker}&limit=10"), HttpStatusCode.OK);
        var alpha = rows.EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == tagged);
        Assert.Equal("bob", alpha.GetProperty("owner").GetString());
        Assert.Equal("native", alpha.GetProperty("source").GetString());
        Assert.Equal(125, alpha.GetProperty("duration_seconds").GetDouble(), 3);
        Assert.Equal($"k{marker}", alpha.GetProperty("tags")[0].GetProperty("key").GetString());
        var mlflow = rows.EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == external);
        Assert.Equal("mlflow", mlflow.GetProperty("source").GetString());
        Assert.Equal(0, mlflow.GetProperty("epochs_recorded").GetInt32());

        // Deleted runs (MLflow's lifecycle) are listed nowhere.
        await using (var scope = fx.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrackingDbContext>();
            await db.Experiments.Where(e => e.Id == external).ExecuteUpdateAsync(s => s.SetProperty(e => e.DeletedAtUtc, DateTime.UtcNow));
        }
        Assert.Equal([$"Alpha-{marker}"], await Names($"tag=k{marker}"));
    }

    private async Task<List<string>> Names(string query)
    {
        var rows = await ApiJson.Expect(await fx.Vera.GetAsync($"/api/experiments?{query}"), HttpStatusCode.OK);
        return rows.EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToList();
    }

    private async Task<string?> NoteOf(Guid run)
    {
        await using var scope = fx.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TrackingDbContext>().Experiments.Where(e => e.Id == run).Select(e => e.Note).SingleAsync();
    }
}
