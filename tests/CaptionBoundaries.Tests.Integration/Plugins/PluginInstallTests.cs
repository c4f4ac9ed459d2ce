using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Plugins;

/// <summary>Admins install plugins through the API; a plugin is validated alone before it goes live, and a refusal installs nothing.</summary>
public sealed class PluginInstallTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new() { Slots = 1 };
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _factory.Settings["Security:MaxUploadMegabytes"] = "1";
        _admin = _factory.CreateClient();
        await Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static string TestPlugin(string name) => Path.Combine(TestPaths.TestPlugins, name);

    private static MultipartFormDataContent Form(string name, string fileName, byte[] content, bool replace = false)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { file, "file", fileName }, { new StringContent(name), "name" }, { new StringContent(replace.ToString()), "replace" } };
    }

    private static byte[] ZipOf(string folder, string? extraEntry = null)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder)) zip.CreateEntryFromFile(file, Path.GetFileName(file));
            if (extraEntry is not null) using (var writer = new StreamWriter(zip.CreateEntry(extraEntry).Open())) writer.Write("x");
        }
        return memory.ToArray();
    }

    private string[] InstalledFolders() => Directory.GetDirectories(_factory.PluginsFolder).Select(Path.GetFileName).Order().ToArray()!;

    private async Task<string> Refused(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    [Fact]
    public async Task A_plugin_that_does_not_load_implements_nothing_or_clashes_is_refused_and_nothing_is_installed()
    {
        var before = InstalledFolders();

        Assert.Contains("does not load", await Refused(await _admin.PostAsync("/api/plugins", Form("Broken", "broken.dll", new byte[4096])), HttpStatusCode.BadRequest));
        var empty = await File.ReadAllBytesAsync(Path.Combine(TestPlugin(TestPaths.EmptyPlugin), TestPaths.EmptyPlugin + ".dll"));
        var emptyRefusal = await Refused(await _admin.PostAsync("/api/plugins", Form("Empty", "empty.dll", empty)), HttpStatusCode.BadRequest);
        Assert.Contains("has no implementations", emptyRefusal);
        Assert.Contains("tiny_test_cnn", await Refused(
            await _admin.PostAsync("/api/plugins", Form("TinyAgain", "tiny.zip", ZipOf(TestPlugin(TestPaths.TinyCnnPlugin)))), HttpStatusCode.BadRequest));
        Assert.Contains("outside the plugin folder", await Refused(
            await _admin.PostAsync("/api/plugins", Form("Slip", "slip.zip", ZipOf(TestPlugin(TestPaths.TinyCnnPlugin), "../../escaped.txt"))), HttpStatusCode.BadRequest));
        Assert.Contains("larger than", await Refused(
            await _admin.PostAsync("/api/plugins", Form("Huge", "huge.dll", new byte[1024 * 1024 + 1])), HttpStatusCode.RequestEntityTooLarge));

        Assert.Equal(before, InstalledFolders());
        Assert.False(File.Exists(Path.Combine(_factory.PluginsFolder, "..", "escaped.txt")));
    }

    [Fact]
    public async Task An_admin_installs_a_valid_plugin_which_goes_live_without_a_restart_and_nobody_else_may()
    {
        var registry = _factory.Services.GetRequiredService<PluginRegistry>();
        // Take the test CNN out so that installing it is new, and wait for the running registry to notice.
        Directory.Delete(Path.Combine(_factory.PluginsFolder, TestPaths.TinyCnnPlugin), recursive: true);
        await Eventually.True(() => Task.FromResult(!registry.TryGetArchitecture("tiny_test_cnn", out _)), 20, () => "tiny_test_cnn was not unloaded");

        using var researcher = _factory.CreateClient(await _factory.CreateUserTokenAsync("rita", "researcher"));
        var zip = ZipOf(TestPlugin(TestPaths.TinyCnnPlugin));
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.PostAsync("/api/plugins", Form("TinyUploaded", "tiny.zip", zip))).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(_factory.PluginsFolder, "TinyUploaded")));

        var response = await _admin.PostAsync("/api/plugins", Form("TinyUploaded", "tiny.zip", zip));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("tiny_test_cnn", await response.Content.ReadAsStringAsync());
        Assert.True(registry.TryGetArchitecture("tiny_test_cnn", out _));
        Assert.Contains("tiny_test_cnn", await _admin.GetStringAsync("/api/architectures"));

        // Installing the same name again needs replace; with it, the old folder is kept aside, not lost.
        Assert.Equal(HttpStatusCode.BadRequest, (await _admin.PostAsync("/api/plugins", Form("TinyUploaded", "tiny.zip", zip))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostAsync("/api/plugins", Form("TinyUploaded", "tiny.zip", zip, replace: true))).StatusCode);
        Assert.Single(Directory.GetDirectories(Path.Combine(_factory.DataFolder, "plugin-backups")));
        var audit = await _admin.GetStringAsync("/api/audit");
        Assert.Contains("install plugin", audit);
        Assert.Contains("TinyUploaded", audit);
    }
}
