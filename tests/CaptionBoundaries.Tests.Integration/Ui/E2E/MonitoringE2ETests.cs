using System.Net.Http.Json;
using CaptionBoundaries.Application.Features.Monitoring;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>
/// Monitoring in a real browser against the real `serve`: a version served, its reference computed from the demo
/// dataset, a clean then a brightened stream replayed through the API; the page draws its charts and lists the alert.
/// </summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class MonitoringE2ETests(ConsoleE2EFixture console)
{
    private const string Model = "e2e-monitor";

    [Fact]
    public async Task The_monitoring_page_draws_the_charts_and_lists_the_alert_of_a_shifted_stream()
    {
        using var plugins = new TempFolder("cb-e2e-monitor");
        TestPaths.PopulatePluginsFolder(plugins.Path);
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = plugins.Path, WatchForChanges = false }, NullLogger<PluginRegistry>.Instance);
        registry.LoadAll();
        // Under the server's data folder: the only place even an admin may name a file from.
        var checkpoint = CheckpointFactory.WriteTinyCnn(registry, Path.Combine(console.Server.DataFolder, "monitor.pt"), 5);

        using var http = console.Server.Http();
        using var api = new ServerApiClient(http, console.Server.BaseUrl);
        var demo = Path.Combine(console.Server.DataFolder, "datasets", "demo");
        (await http.PostAsJsonAsync($"/api/models/{Model}/versions", new { checkpoint_path = checkpoint })).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync($"/api/models/{Model}/aliases/production", new { version = 1 })).EnsureSuccessStatusCode();
        // An uploaded checkpoint has no tracked run, so its reference comes from a dataset named explicitly.
        await api.Post<ReferenceView>($"api/monitoring/models/{Model}/versions/1/reference", new { dataset_folder = demo }, CancellationToken.None);
        await Eventually.True(async () => (await api.Get<ReferenceView>($"api/monitoring/models/{Model}/versions/1/reference", CancellationToken.None)).Status == ModelReference.Ready,
            120, () => "the reference never became ready");
        await api.Put<MonitoringSettingsView>($"api/monitoring/models/{Model}/settings",
            new DriftSettings { WindowSize = 50, EvaluateEvery = 25, MinWindow = 50 }, CancellationToken.None);

        var simulation = new MonitorSimulation(api);
        await simulation.RunAsync(Model, demo, new SimulationOptions { Count = 100 }, null, CancellationToken.None);
        await simulation.RunAsync(Model, demo, new SimulationOptions { Count = 100, Shift = StreamShifts.Brightness, Seed = 2 }, null, CancellationToken.None);
        var dashboard = await simulation.FlushAndReadAsync(Model, CancellationToken.None);
        Assert.Contains(dashboard.Alerts, a => a.Metric == DriftMetrics.InputKs(InputStatistics.Frame1Brightness));

        var page = await console.OpenAsync($"/monitoring?model={Model}");
        await Assertions.Expect(page.Locator("[data-table=alerts] tr[data-alert]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-table=alerts]")).ToContainTextAsync("input_ks:frame1_brightness");
        foreach (var chart in new[] { "confidence-histogram", "class-distribution", "drift-scores" })
            await Assertions.Expect(page.Locator($"[data-chart={chart}] svg path").First).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("[data-table=drift-scores] tr.cb-over").First).ToBeVisibleAsync();
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "monitoring.png"), FullPage = true });
        await page.CloseAsync();
    }
}
