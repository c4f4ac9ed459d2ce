using System.Net;
using System.Net.Http.Json;
using CaptionBoundaries.Tests.Support;
using CaptionBoundaries.Tests.Webhooks;
using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>The traffic-split panel in a real browser on a real `serve`: start a canary, watch its figures arrive live, promote it.</summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class TrafficSplitE2ETests(ConsoleE2EFixture console)
{
    private const string Model = "e2e-split";

    [Fact]
    public async Task A_canary_is_started_watched_and_promoted_from_the_models_page()
    {
        using var http = console.Server.Http();
        await TinyVersion.RegisterAsync(console.Server, http, Model, 41);
        await TinyVersion.RegisterAsync(console.Server, http, Model, 42);
        await ApiJson.Expect(await http.PostAsJsonAsync($"/api/models/{Model}/switch", new { version = 1, reason = "launch" }), HttpStatusCode.OK);

        var page = await console.OpenAsync("/models");
        var panel = page.Locator($"[data-model={Model}] [data-panel=traffic-split]");
        await Assertions.Expect(panel.Locator(".cb-split-state")).ToContainTextAsync("No canary or shadow is running");
        await panel.Locator("input[name=split-share]").FillAsync("50");
        await panel.Locator("input[name=split-share]").PressAsync("Tab");
        await panel.Locator("input[name=split-reason]").FillAsync("e2e canary");
        await panel.Locator("input[name=split-reason]").PressAsync("Tab");
        await panel.Locator(".split-start").ClickAsync();
        await Assertions.Expect(page.Locator(".rz-dialog")).ToContainTextAsync("send 50% of requests to version 2");
        await page.Locator(".rz-dialog button", new() { HasTextString = "Yes, change it" }).ClickAsync();
        await Assertions.Expect(panel.Locator(".cb-split-state")).ToContainTextAsync("Canary of v2 at 50%");

        // Traffic through the API shows up in the open panel by its own refresh.
        var dataset = Path.Combine(console.Server.DataFolder, "datasets", "demo");
        for (var i = 0; i < 30; i++)
            await ApiJson.Expect(await http.PostAsJsonAsync($"/api/models/{Model}/predict", PredictBodies.Of(dataset, i % 8)), HttpStatusCode.OK);
        await Assertions.Expect(panel.Locator("[data-table=split-figures] tr[data-role=canary]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(panel.Locator("[data-table=split-figures] tr[data-role=production]")).ToBeVisibleAsync();
        var chart = panel.Locator("[data-chart=split-latency]");
        await Assertions.Expect(chart.GetByRole(AriaRole.Button, new() { Name = "p99" })).ToBeVisibleAsync();
        await Assertions.Expect(chart).ToContainTextAsync("v2 (canary)");
        await Assertions.Expect(chart).ToContainTextAsync("v1 (production)");
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await page.Locator($"[data-model={Model}]").ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "traffic-split.png") });

        await panel.Locator(".split-promote").ClickAsync();
        await Assertions.Expect(page.Locator(".rz-dialog")).ToContainTextAsync("Promote version 2");
        await page.Locator(".rz-dialog button", new() { HasTextString = "Yes, change it" }).ClickAsync();
        await Assertions.Expect(page.Locator($"[data-model={Model}] strong.cb-active")).ToHaveTextAsync("2", new() { Timeout = 30_000 });
        await Assertions.Expect(panel.Locator(".cb-split-state")).ToContainTextAsync("No canary or shadow is running");
        await Assertions.Expect(page.Locator($"[data-model={Model}] [data-table=change-history]")).ToContainTextAsync("canary promote v2 (from v1)");
        await Assertions.Expect(page.Locator($"[data-model={Model}] [data-table=change-history]")).ToContainTextAsync("canary start v2 at 50% (production v1)");
        await page.CloseAsync();
    }
}
