using System.Net;
using System.Net.Http.Json;
using System.Text;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Tracking;

/// <summary>
/// Artifacts, tags and notes on runs, tried as an attacker would: a viewer writing, a researcher writing someone else's
/// run, reading another account's private run, hostile paths, oversized bodies and over-long keys. Each is a 4xx naming
/// what is wrong, and nothing is stored.
/// </summary>
[Collection(RunRecordsCollection.Name)]
public sealed class RunRecordsAbuseTests(RunRecordsFixture fx)
{
    private static ByteArrayContent Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static MultipartFormDataContent Form(byte[] bytes, string fileName = "x.txt") => new() { { new ByteArrayContent(bytes), "file", fileName } };

    private static async Task<string> ExpectStatus(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.StatusCode}, expected {(int)expected}: {body}");
        return body;
    }

    [Fact]
    public async Task A_viewer_may_not_upload_tag_untag_or_annotate_even_a_run_it_can_see()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "shared-run", "bob");
        await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/kept", new { value = "yes" }), HttpStatusCode.OK);
        var before = await fx.RecordsOfAsync(run);

        await ExpectStatus(await fx.Vera.GetAsync($"/api/experiments/{run}/artifacts"), HttpStatusCode.OK);
        await ExpectStatus(await fx.Vera.PutAsync($"/api/experiments/{run}/artifacts/a.txt", Bytes("x")), HttpStatusCode.Forbidden);
        await ExpectStatus(await fx.Vera.PostAsync($"/api/experiments/{run}/artifacts/a.txt", Form([1, 2, 3])), HttpStatusCode.Forbidden);
        await ExpectStatus(await fx.Vera.PutAsJsonAsync($"/api/experiments/{run}/tags/k", new { value = "v" }), HttpStatusCode.Forbidden);
        await ExpectStatus(await fx.Vera.DeleteAsync($"/api/experiments/{run}/tags/kept"), HttpStatusCode.Forbidden);
        var note = await ExpectStatus(await fx.Vera.PutAsJsonAsync($"/api/experiments/{run}/note", new { note = "mine now" }), HttpStatusCode.Forbidden);
        Assert.Contains("researcher", note);

        Assert.Equal(before, await fx.RecordsOfAsync(run));
    }

    [Fact]
    public async Task A_researcher_may_read_but_not_change_another_researchers_shared_run()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "bobs-shared", "bob");
        await ExpectStatus(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/report.txt", Bytes("bob's")), HttpStatusCode.Created);
        await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/stage", new { value = "final" }), HttpStatusCode.OK);
        var before = await fx.RecordsOfAsync(run);

        // Replacing bob's file under the same path would be the quietest tampering of all.
        var upload = await ExpectStatus(await fx.Carol.PutAsync($"/api/experiments/{run}/artifacts/report.txt", Bytes("carol's")), HttpStatusCode.Forbidden);
        Assert.Contains("belongs to bob", upload);
        await ExpectStatus(await fx.Carol.PostAsync($"/api/experiments/{run}/artifacts/other.txt", Form([1])), HttpStatusCode.Forbidden);
        await ExpectStatus(await fx.Carol.PutAsJsonAsync($"/api/experiments/{run}/tags/stage", new { value = "discarded" }), HttpStatusCode.Forbidden);
        await ExpectStatus(await fx.Carol.DeleteAsync($"/api/experiments/{run}/tags/stage"), HttpStatusCode.Forbidden);
        await ExpectStatus(await fx.Carol.PutAsJsonAsync($"/api/experiments/{run}/note", new { note = "carol was here" }), HttpStatusCode.Forbidden);
        Assert.Equal(before, await fx.RecordsOfAsync(run));

        Assert.Equal("bob's", await (await fx.Carol.GetAsync($"/api/experiments/{run}/artifacts/report.txt")).Content.ReadAsStringAsync());
        await ExpectStatus(await fx.Carol.GetAsync($"/api/experiments/{run}/tags"), HttpStatusCode.OK);
        // An admin may change any run.
        await ExpectStatus(await fx.Admin.PutAsJsonAsync($"/api/experiments/{run}/tags/reviewed", new { value = "admin" }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_accounts_private_run_is_not_found_for_every_read_and_write()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "bobs-private", "bob", isPrivate: true);
        await ExpectStatus(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/secret.txt", Bytes("secret")), HttpStatusCode.Created);
        await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/k", new { value = "v" }), HttpStatusCode.OK);
        var before = await fx.RecordsOfAsync(run);
        var unknown = Guid.NewGuid();

        foreach (var client in new[] { fx.Carol, fx.Vera })
        {
            await ExpectStatus(await client.GetAsync($"/api/experiments/{run}/artifacts"), HttpStatusCode.NotFound);
            await ExpectStatus(await client.GetAsync($"/api/experiments/{run}/artifacts?recursive=true"), HttpStatusCode.NotFound);
            await ExpectStatus(await client.GetAsync($"/api/experiments/{run}/artifacts/secret.txt"), HttpStatusCode.NotFound);
            await ExpectStatus(await client.GetAsync($"/api/experiments/{run}/tags"), HttpStatusCode.NotFound);
            await ExpectStatus(await client.GetAsync($"/api/experiments/{run}/report?format=json"), HttpStatusCode.NotFound);
        }
        // The same answer as for a run that does not exist, so the private one is not revealed.
        var hidden = await ExpectStatus(await fx.Carol.PutAsync($"/api/experiments/{run}/artifacts/secret.txt", Bytes("overwrite")), HttpStatusCode.NotFound);
        var missing = await ExpectStatus(await fx.Carol.PutAsync($"/api/experiments/{unknown}/artifacts/secret.txt", Bytes("overwrite")), HttpStatusCode.NotFound);
        Assert.Equal(Detail(hidden).Replace(run.ToString("N"), "ID"), Detail(missing).Replace(unknown.ToString("N"), "ID"));
        await ExpectStatus(await fx.Carol.PutAsJsonAsync($"/api/experiments/{run}/tags/k", new { value = "x" }), HttpStatusCode.NotFound);
        await ExpectStatus(await fx.Carol.DeleteAsync($"/api/experiments/{run}/tags/k"), HttpStatusCode.NotFound);
        await ExpectStatus(await fx.Carol.PutAsJsonAsync($"/api/experiments/{run}/note", new { note = "x" }), HttpStatusCode.NotFound);
        Assert.Equal(before, await fx.RecordsOfAsync(run));

        // Its owner and admins still see it all.
        Assert.Equal("secret", await (await fx.Bob.GetAsync($"/api/experiments/{run}/artifacts/secret.txt")).Content.ReadAsStringAsync());
        await ExpectStatus(await fx.Admin.GetAsync($"/api/experiments/{run}/artifacts/secret.txt"), HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("%2e%2e/x")]
    [InlineData("%2e%2e%2fx")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("..%5C..%5Cwindows")]
    [InlineData("a/%01b")]
    [InlineData("a/%0Ab")]
    [InlineData("./x")]
    [InlineData("a/%20/b")]
    public async Task Hostile_artifact_paths_are_400_naming_the_path_and_store_nothing(string path)
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "paths", "bob");
        var before = await fx.RecordsOfAsync(run);

        var (status, body) = await fx.SendRawAsBobAsync("PUT", $"/api/experiments/{run}/artifacts/{path}", "x");
        Assert.True(status == 400, $"{status}: {body}");
        Assert.Contains("\"path\"", body);
        (status, body) = await fx.SendRawAsBobAsync("GET", $"/api/experiments/{run}/artifacts/{path}");
        Assert.True(status == 400, $"{status}: {body}");
        Assert.Contains("\"path\"", body);

        Assert.Equal(before, await fx.RecordsOfAsync(run));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc")]
    [InlineData("a\\..\\..\\b")]
    [InlineData("a\u0007b")]
    public async Task Hostile_folders_to_list_are_400_naming_the_path(string folder)
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "list-paths", "bob");
        var body = await ExpectStatus(await fx.Bob.GetAsync($"/api/experiments/{run}/artifacts?path={Uri.EscapeDataString(folder)}"), HttpStatusCode.BadRequest);
        Assert.Contains("\"path\"", body);
    }

    [Fact]
    public async Task Absolute_backslashed_and_very_long_paths_in_a_multipart_upload_are_refused_too()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "long-paths", "bob");
        var before = await fx.RecordsOfAsync(run);

        var longPath = string.Join('/', Enumerable.Repeat("segment", 200));
        await ExpectStatus(await fx.Bob.PostAsync($"/api/experiments/{run}/artifacts/{longPath}", Form([1])), HttpStatusCode.BadRequest);
        // The file's own name is part of the path when the URL names a folder.
        await ExpectStatus(await fx.Bob.PostAsync($"/api/experiments/{run}/artifacts/folder/", Form([1], "..")), HttpStatusCode.BadRequest);
        await ExpectStatus(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/%5Cetc%5Cpasswd", Bytes("x")), HttpStatusCode.BadRequest);
        Assert.Equal(before, await fx.RecordsOfAsync(run));
    }

    [Fact]
    public async Task An_oversized_upload_is_413_and_stores_nothing_whether_its_length_is_declared_or_streamed()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "big", "bob");
        var before = await fx.RecordsOfAsync(run);
        var tooBig = new byte[1024 * 1024 + 1];

        var declared = await ExpectStatus(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/big.bin", new ByteArrayContent(tooBig)), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("MaxUploadMegabytes", declared);
        // No Content-Length: the body is cut off where it passes the limit.
        var streamed = new StreamContent(new UnknownLengthStream(tooBig));
        await ExpectStatus(await fx.Bob.PutAsync($"/api/experiments/{run}/artifacts/big.bin", streamed), HttpStatusCode.RequestEntityTooLarge);
        await ExpectStatus(await fx.Bob.PostAsync($"/api/experiments/{run}/artifacts/big.bin", Form(tooBig)), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(before, await fx.RecordsOfAsync(run));
        Assert.Equal(0, fx.StagedCount());
        await ExpectStatus(await fx.Bob.GetAsync("/api/health"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Tag_keys_values_and_notes_over_their_limits_are_400_naming_the_field()
    {
        var run = await TrackedRuns.NativeAsync(fx.Services, "limits", "bob");
        var before = await fx.RecordsOfAsync(run);

        var longKey = new string('k', TrackingDbContext.MaxKeyLength + 1);
        Assert.Contains("\"key\"", await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/{longKey}", new { value = "v" }), HttpStatusCode.BadRequest));
        var longValue = new string('v', TrackingDbContext.MaxTagValueLength + 1);
        Assert.Contains("\"value\"", await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/k", new { value = longValue }), HttpStatusCode.BadRequest));
        Assert.Contains("\"value\"", await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/k", new { }), HttpStatusCode.BadRequest));
        Assert.Contains("\"key\"", await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/a%01b", new { value = "v" }), HttpStatusCode.BadRequest));
        var longNote = new string('n', 20_001);
        Assert.Contains("\"note\"", await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/note", new { note = longNote }), HttpStatusCode.BadRequest));
        Assert.Contains("\"tag", await ExpectStatus(await fx.Bob.GetAsync($"/api/experiments?tag={longKey}"), HttpStatusCode.BadRequest));
        Assert.Contains("\"tag", await ExpectStatus(await fx.Bob.GetAsync("/api/experiments?tag==v"), HttpStatusCode.BadRequest));
        // Exactly at the limits is fine.
        await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{run}/tags/{new string('k', TrackingDbContext.MaxKeyLength)}",
            new { value = new string('v', TrackingDbContext.MaxTagValueLength) }), HttpStatusCode.OK);
        Assert.NotEqual(before, await fx.RecordsOfAsync(run));
    }

    [Fact]
    public async Task An_unknown_run_is_404_everywhere()
    {
        var unknown = Guid.NewGuid();
        await ExpectStatus(await fx.Bob.GetAsync($"/api/experiments/{unknown}/artifacts"), HttpStatusCode.NotFound);
        await ExpectStatus(await fx.Bob.GetAsync($"/api/experiments/{unknown}/artifacts/a.txt"), HttpStatusCode.NotFound);
        await ExpectStatus(await fx.Bob.PutAsync($"/api/experiments/{unknown}/artifacts/a.txt", Bytes("x")), HttpStatusCode.NotFound);
        await ExpectStatus(await fx.Bob.GetAsync($"/api/experiments/{unknown}/tags"), HttpStatusCode.NotFound);
        await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{unknown}/tags/k", new { value = "v" }), HttpStatusCode.NotFound);
        await ExpectStatus(await fx.Bob.DeleteAsync($"/api/experiments/{unknown}/tags/k"), HttpStatusCode.NotFound);
        await ExpectStatus(await fx.Bob.PutAsJsonAsync($"/api/experiments/{unknown}/note", new { note = "x" }), HttpStatusCode.NotFound);
        await ExpectStatus(await fx.Bob.GetAsync($"/api/experiments/{unknown}/report?format=csv"), HttpStatusCode.NotFound);
        Assert.Equal(0, fx.StagedCount());
    }

    private static string Detail(string problem) => System.Text.Json.JsonDocument.Parse(problem).RootElement.GetProperty("detail").GetString()!;

    /// <summary>A body whose length the client cannot know, so it is sent chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
