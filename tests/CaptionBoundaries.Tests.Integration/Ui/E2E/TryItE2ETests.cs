using System.Globalization;
using System.Net.Http.Json;
using CaptionBoundaries.Application.Features.Monitoring;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Host.Cli;
using CaptionBoundaries.Tests.Grains;
using CaptionBoundaries.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>
/// The Models page's try-it panel in a real browser against the real `serve`: three PNGs made by the synthetic
/// generator are uploaded, the sample is predicted and explained, and the prediction shows up in monitoring, which
/// fills from the console alone.
/// </summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class TryItE2ETests(ConsoleE2EFixture console)
{
    private const string Model = "e2e-tryit";

    [Fact]
    public async Task Three_uploaded_pngs_are_predicted_and_explained_and_the_prediction_is_monitored()
    {
        using var plugins = new TempFolder("cb-e2e-tryit");
        TestPaths.PopulatePluginsFolder(plugins.Path);
        using var registry = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = plugins.Path, WatchForChanges = false }, NullLogger<PluginRegistry>.Instance);
        registry.LoadAll();
        var checkpoint = CheckpointFactory.WriteTinyCnn(registry, Path.Combine(console.Server.DataFolder, "tryit.pt"), 7);
        using var http = console.Server.Http();
        (await http.PostAsJsonAsync($"/api/models/{Model}/versions", new { checkpoint_path = checkpoint })).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync($"/api/models/{Model}/aliases/production", new { version = 1 })).EnsureSuccessStatusCode();

        // The files a user has on their own machine: nothing the server could read by path.
        using var local = new TempFolder("cb-e2e-tryit-files");
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { OutputFolder = local.Combine("frames"), SamplesPerClass = 1, Seed = 12, Width = 64, Height = 48 });
        var sample = DatasetManifest.Load(local.Combine("frames")).Samples[0];
        string File(string field, string relative) => DatasetManifest.ResolveImagePath(local.Combine("frames"), sample, field, relative);

        var page = await console.OpenAsync("/models");
        var panel = page.Locator("#try-it");
        var item = page.Locator($".rz-dropdown-item[aria-label='{Model}']:visible");
        // Radzen moves the open list out of the field; the model list may arrive after the first render, so reopen until it is there.
        for (var attempt = 0; attempt < 20 && !await item.IsVisibleAsync(); attempt++)
        {
            await panel.Locator("[data-field=tryit-model] .rz-dropdown").ClickAsync();
            try
            {
                await item.WaitForAsync(new() { Timeout = 1_500 });
            }
            catch (TimeoutException)
            {
                await page.Keyboard.PressAsync("Escape");
            }
        }
        await item.ClickAsync();
        await page.Locator("#tryit-frame1").SetInputFilesAsync(File("frame1", sample.Frame1));
        await page.Locator("#tryit-frame2").SetInputFilesAsync(File("frame2", sample.Frame2));
        await page.Locator("#tryit-ocr_viz").SetInputFilesAsync(File("ocr_viz", sample.OcrViz));
        await Assertions.Expect(panel.Locator("img.cb-tryit-thumb")).ToHaveCountAsync(3);
        await page.Locator("textarea[name=tryit-spatial]").FillAsync(string.Join(", ", sample.SpatialFeatures.Select(f => f.ToString("R", CultureInfo.InvariantCulture))));
        await page.Locator("textarea[name=tryit-spatial]").PressAsync("Tab");
        await page.Locator("#tryit-predict").ClickAsync();

        await Assertions.Expect(panel.Locator("#tryit-result [data-field=version]")).ToHaveTextAsync("1", new() { Timeout = 60_000 });
        await Assertions.Expect(panel.Locator("[data-table=probabilities] tr[data-class]")).ToHaveCountAsync(TaskSpec.ClassCount);
        var probabilities = await panel.Locator("[data-table=probabilities] [data-field=probability]").AllTextContentsAsync();
        Assert.Equal(1.0, probabilities.Sum(p => double.Parse(p, CultureInfo.InvariantCulture)), 2);
        await Assertions.Expect(panel.Locator("[data-chart=probabilities] svg path").First).ToBeAttachedAsync();
        await Assertions.Expect(panel.Locator("#tryit-explanation figure[data-method=grad_cam]")).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        Assert.StartsWith("data:image/png;base64,", await panel.Locator("#tryit-explanation img.cb-overlay").First.GetAttributeAsync("src"));
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "models-try-it.png"), FullPage = true });
        await page.CloseAsync();

        // The prediction went through serving like any other: logged, so the Monitoring page counts it.
        using var api = new ServerApiClient(http, console.Server.BaseUrl);
        await Eventually.True(async () =>
            (await api.Get<List<MonitoredModelSummary>>("api/monitoring/models", CancellationToken.None)).Single(m => m.Model == Model).Predictions == 1,
            60, () => "the console's prediction was never logged");
        var monitoring = await console.OpenAsync($"/monitoring?model={Model}");
        await Assertions.Expect(monitoring.Locator("#monitoring-summary .cb-card", new() { HasTextString = "Predictions logged" }).Locator(".value")).ToHaveTextAsync("1");
        await monitoring.CloseAsync();
    }
}
