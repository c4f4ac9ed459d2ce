using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>
/// Changes made through the API reach open pages by push (grain observers), never by reloading: a marker set on
/// the page's window would be lost by any navigation or reload, so it still being there proves none happened.
/// </summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class LiveUpdatesE2ETests(ConsoleE2EFixture console)
{
    private const string Model = "e2e-live";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static async Task<JsonElement> Post(HttpClient http, string path, object body)
    {
        var response = await http.PostAsJsonAsync(path, body, Json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task MarkAsNotReloaded(IPage page) => await page.EvaluateAsync("() => { window.cbNotReloaded = true; }");

    private static async Task AssertNotReloaded(IPage page) => Assert.True(await page.EvaluateAsync<bool>("() => window.cbNotReloaded === true"));

    [Fact]
    public async Task A_run_and_a_model_switch_made_through_the_API_appear_on_open_pages_without_reload()
    {
        using var http = console.Server.Http();
        // The circuit is up before the run starts: a tiny run can finish within the seconds a cold page load takes.
        var run = await console.OpenAsync("/");
        await MarkAsNotReloaded(run);
        var started = await Post(http, "/api/experiments", new
        {
            Name = "e2e-push",
            Architecture = "tiny_test_cnn",
            Epochs = 3,
            ImageSize = 32,
            DatasetFolder = Path.Combine(console.Server.DataFolder, "datasets", "demo"),
        });
        var id = started.GetProperty("id").GetString()!;

        // The run page is opened at once, by in-circuit navigation (no document load), while the run is queued or starting;
        // data-live=true says the page subscribed while the run could still change.
        await run.EvaluateAsync("path => Blazor.navigateTo(path)", $"/experiments/{id}");
        await Assertions.Expect(run.Locator(".cb-live")).ToHaveAttributeAsync("data-live", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(run.Locator("#experiment-epochs")).ToHaveTextAsync("3 / 3", new() { Timeout = 300_000 });
        await Assertions.Expect(run.Locator("#experiment-status")).ToHaveTextAsync("Completed", new() { Timeout = 60_000 });
        await AssertNotReloaded(run);
        Assert.DoesNotContain("polling instead", console.Server.Log);
        await run.CloseAsync();

        await Post(http, $"/api/models/{Model}/versions", new { ExperimentId = id, Kind = "best" });
        var models = await console.OpenAsync("/models");
        await MarkAsNotReloaded(models);
        await Assertions.Expect(models.Locator(".cb-live")).ToHaveAttributeAsync("data-live", "true", new() { Timeout = 30_000 });
        var card = models.Locator($"[data-model={Model}]");
        await Assertions.Expect(card.Locator("strong.cb-active")).ToHaveTextAsync("none");

        // A registration and then a switch, both made elsewhere, each show up on the open card.
        await Post(http, $"/api/models/{Model}/versions", new { ExperimentId = id, Kind = "last" });
        await Assertions.Expect(card.Locator("tr[data-version='2']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Post(http, $"/api/models/{Model}/switch", new { Version = 2, Reason = "e2e: last beats best" });
        await Assertions.Expect(card.Locator("strong.cb-active")).ToHaveTextAsync("2", new() { Timeout = 30_000 });
        await Assertions.Expect(card.Locator("[data-table=change-history]")).ToContainTextAsync("e2e: last beats best");
        await Assertions.Expect(card.Locator($"tr[data-version='1'] a.lineage")).ToHaveAttributeAsync("href", $"experiments/{id}");

        // Benchmark both versions from the card's form (the demo dataset is preselected) so the charts have data.
        await card.Locator(".run-benchmark").ClickAsync();
        await Assertions.Expect(card.Locator(".benchmark-done")).ToContainTextAsync("v1, v2", new() { Timeout = 180_000 });
        await Assertions.Expect(card.Locator("[data-chart=benchmark-scores] svg").First).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator("[data-chart=benchmark-latency] svg").First).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator("[data-chart=metric-history] svg").First).ToBeVisibleAsync();
        await AssertNotReloaded(models);
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await card.ScrollIntoViewIfNeededAsync();
        await models.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "models-live-charts.png"), FullPage = true });
        await models.CloseAsync();
    }
}
