using System.Net;
using System.Net.Http.Json;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Security;

/// <summary>
/// The checkpoint upload (issue 15, finding 5's way to register without a path) tried as an attacker would: a body past
/// the upload limit, and an upload into another account's private model. Each is a 4xx, nothing is registered or left
/// staged, and the server keeps answering.
/// </summary>
public sealed class CheckpointUploadAbuseTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new() { Slots = 1, Settings = { ["Security:MaxUploadMegabytes"] = "1" } };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static MultipartFormDataContent Form(byte[] bytes) => new() { { new ByteArrayContent(bytes), "file", "x.pt" } };

    [Fact]
    public async Task An_oversized_upload_and_an_upload_into_someone_elses_private_model_are_refused_and_change_nothing()
    {
        using var admin = _factory.CreateClient();
        using var bob = _factory.CreateClient(await _factory.CreateUserTokenAsync("bob", Roles.Researcher));
        using var carol = _factory.CreateClient(await _factory.CreateUserTokenAsync("carol", Roles.Researcher));
        using var elsewhere = new TempFolder("cb-upload-abuse");
        var checkpoint = File.ReadAllBytes(CheckpointFactory.WriteTinyCnn(_factory.Services.GetRequiredService<PluginRegistry>(), elsewhere.Combine("c.pt"), 2));
        Assert.True(checkpoint.Length < 1024 * 1024, "the tiny checkpoint fits the 1 MB limit of this test");

        await ApiJson.Expect(await bob.PostAsync("/api/models/bobs-own/versions/upload", Form(checkpoint)), HttpStatusCode.Created);
        await ApiJson.Expect(await bob.PutAsJsonAsync("/api/models/bobs-own/visibility", new { @private = true }), HttpStatusCode.OK);

        var oversized = await carol.PostAsync("/api/models/carols/versions/upload", Form(new byte[2 * 1024 * 1024]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Contains("larger than", await oversized.Content.ReadAsStringAsync());

        // Bob's private model is "not found" to carol, upload or not.
        Assert.Equal(HttpStatusCode.NotFound, (await carol.PostAsync("/api/models/bobs-own/versions/upload", Form(checkpoint))).StatusCode);

        var bobs = await ApiJson.Expect(await bob.GetAsync("/api/models/bobs-own"), HttpStatusCode.OK);
        Assert.Single(bobs.GetProperty("versions").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/models/carols")).StatusCode);
        var staging = Path.Combine(_factory.DataFolder, "uploads");
        Assert.Empty(Directory.Exists(staging) ? Directory.GetFiles(staging) : []);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/health")).StatusCode);
    }
}
