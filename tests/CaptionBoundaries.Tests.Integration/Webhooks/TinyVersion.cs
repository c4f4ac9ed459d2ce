using System.Net;
using System.Net.Http.Json;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Tests.Support;
using CaptionBoundaries.Tests.Ui.E2E;
using Microsoft.Extensions.Logging.Abstractions;

namespace CaptionBoundaries.Tests.Webhooks;

/// <summary>A registry change on a running `serve`: registers a tiny_test_cnn checkpoint written into its data folder.</summary>
public static class TinyVersion
{
    public static async Task RegisterAsync(ConsoleServer server, HttpClient http, string model, int seed)
    {
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = server.PluginsFolder, WatchForChanges = false },
            NullLogger<PluginRegistry>.Instance);
        registry.LoadAll();
        var checkpoint = CheckpointFactory.WriteTinyCnn(registry, Path.Combine(server.DataFolder, "uploads", $"{model}-{seed}.pt"), seed);
        await ApiJson.Expect(await http.PostAsJsonAsync($"/api/models/{model}/versions", new { checkpoint_path = checkpoint }), HttpStatusCode.Created);
    }
}
