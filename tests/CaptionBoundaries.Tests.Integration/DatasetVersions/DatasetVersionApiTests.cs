using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Tests.Api;

using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.DatasetVersions;

/// <summary>Dataset versioning through the REST API: the same handlers as the CLI.</summary>
public sealed class DatasetVersionApiTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected) => ApiJson.Expect(response, expected);

    [Fact]
    public async Task VersionsDedupCheckoutAndLineageOverHttp()
    {
        var first = Path.Combine(_factory.DataFolder, "incoming", "a");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = first, SamplesPerClass = 3, Seed = 8, Width = 64, Height = 48 });
        var second = Path.Combine(_factory.DataFolder, "incoming", "b");
        Support.TestPaths.CopyFolder(first, second);
        var other = Path.Combine(_factory.DataFolder, "incoming", "other");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = other, SamplesPerClass = 2, Seed = 99, Width = 64, Height = 48 });
        File.Copy(Path.Combine(other, "images", "same_0001_frame1.png"), Path.Combine(second, "images", "same_0001_frame1.png"), overwrite: true);

        var v1 = await Json(await _client.PostAsJsonAsync("/api/datasets/frames/versions", new { folder = first, message = "first" }), HttpStatusCode.Created);
        var v2 = await Json(await _client.PostAsJsonAsync("/api/datasets/frames/versions", new { folder = second, message = "one frame" }), HttpStatusCode.Created);
        Assert.Equal(1, v1.GetProperty("version").GetProperty("version").GetInt32());
        Assert.Equal(2, v2.GetProperty("version").GetProperty("version").GetInt32());
        Assert.Equal(1, v2.GetProperty("new_blobs").GetInt32());

        var listed = await Json(await _client.GetAsync("/api/datasets/versions?name=frames"), HttpStatusCode.OK);
        Assert.Equal(2, listed.GetArrayLength());

        var target = Path.Combine(_factory.DataFolder, "datasets", "checkout-v2"); // checkouts go under datasets/ only
        var checkedOut = await Json(await _client.PostAsJsonAsync("/api/datasets/frames/versions/2/checkout", new { output_folder = target }), HttpStatusCode.OK);
        Assert.Equal(DatasetIdentity.Compute(target), checkedOut.GetProperty("identity").GetString());
        Assert.Equal(v2.GetProperty("version").GetProperty("content_identity").GetString(), checkedOut.GetProperty("identity").GetString());

        var lineage = await Json(await _client.GetAsync("/api/datasets/frames/versions/2/lineage"), HttpStatusCode.OK);
        Assert.Equal(1, lineage.GetProperty("parent_version").GetInt32());

        var dryRun = await Json(await _client.PostAsync("/api/datasets/gc?dryRun=true", null), HttpStatusCode.OK);
        Assert.True(dryRun.GetProperty("dry_run").GetBoolean());
        Assert.Equal(0, dryRun.GetProperty("deleted").GetArrayLength());

        var missing = await Json(await _client.GetAsync("/api/datasets/frames/versions/9"), HttpStatusCode.NotFound);
        Assert.Contains("9", missing.GetProperty("detail").GetString());
        var badFolder = await Json(await _client.PostAsJsonAsync("/api/datasets/frames/versions", new { folder = "/no/such/folder" }), HttpStatusCode.BadRequest);
        Assert.True(badFolder.GetProperty("errors").TryGetProperty("folder", out _));
    }
}
