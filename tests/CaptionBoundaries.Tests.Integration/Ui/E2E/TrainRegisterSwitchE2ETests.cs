using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>
/// The whole loop through the console: start a run from the form, watch its epochs arrive, open a confusion-matrix
/// cell's samples with their Grad-CAM overlays, register its best checkpoint, point production at it. Needs the
/// experiment, scheduler, slot and model grains.
/// </summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class TrainRegisterSwitchE2ETests(ConsoleE2EFixture console)
{
    [Fact]
    public async Task A_run_started_from_the_form_completes_is_registered_and_becomes_production()
    {
        var page = await console.OpenAsync("/experiments");

        // Pick the tiny test CNN so the run takes seconds on 2 cores.
        // Radzen moves an open dropdown's popup out of the field, so the item is found in whichever popup is open;
        // the architecture list arrives after the first render, so reopen the dropdown until the item is there.
        var item = page.Locator(".rz-dropdown-item[aria-label='tiny_test_cnn']:visible");
        for (var attempt = 0; attempt < 20 && !await item.IsVisibleAsync(); attempt++)
        {
            await page.Locator("[data-field=architecture] .rz-dropdown").ClickAsync();
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
        await page.Locator("[data-field=name] input").FillAsync("e2e-tiny");
        await page.Locator("[data-field=epochs] input").FillAsync("2");
        await page.Locator("[data-field=epochs] input").PressAsync("Tab");
        await page.Locator("[data-field=image_size] input").FillAsync("32");
        await page.Locator("[data-field=image_size] input").PressAsync("Tab");
        await page.Locator("#start-submit").ClickAsync();
        // Either the run is queued or the form says why not (e.g. no grain implementation): the failure shows which.
        var outcome = page.Locator("#start-result, #start-experiment .cb-error").First;
        await outcome.WaitForAsync();
        Assert.Contains("Queued", await outcome.TextContentAsync());

        await page.Locator("#start-result a").ClickAsync();
        await Assertions.Expect(page.Locator("#experiment-status")).ToHaveTextAsync("Completed", new() { Timeout = 300_000 });
        await Assertions.Expect(page.Locator("#experiment-epochs")).ToContainTextAsync("2");
        await Assertions.Expect(page.Locator("[data-chart=confusion-matrix]")).ToBeVisibleAsync();
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "run-detail.png"), FullPage = true });

        // Every non-empty confusion-matrix cell links to its validation samples, shown with their Grad-CAM overlays.
        await page.Locator("[data-chart=confusion-matrix] a[data-cell]").First.ClickAsync();
        var explained = page.Locator("#cell-samples [data-sample]").First;
        await Assertions.Expect(explained).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.StartsWith("data:image/png;base64,", await explained.Locator("img.cb-overlay").First.GetAttributeAsync("src"));
        Assert.Equal(3, await explained.Locator("figure[data-method=grad_cam]").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "confusion-cell-samples.png"), FullPage = true });

        await page.Locator("input[name=register-model]").FillAsync("e2e-model");
        await page.Locator("input[name=register-model]").PressAsync("Tab");
        await page.Locator("#register-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#register-result")).ToContainTextAsync("version 1");

        await page.GotoAsync("/models");
        await page.WaitForSelectorAsync(".cb-shell[data-interactive=true]", new() { Timeout = 60_000 });
        var card = page.Locator("[data-model=e2e-model]");
        await card.Locator("input[name=alias]").FillAsync("production");
        await card.Locator("input[name=alias]").PressAsync("Tab");
        await card.Locator(".set-alias").ClickAsync();
        await Assertions.Expect(page.Locator(".rz-dialog")).ToContainTextAsync("to version 1");
        await page.Locator(".rz-dialog button", new() { HasTextString = "Yes, change it" }).ClickAsync();
        await Assertions.Expect(card.Locator(".switch-done")).ToContainTextAsync("Now serving version 1");
        await Assertions.Expect(card).ToContainTextAsync("production → v1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "models-production.png"), FullPage = true });
        await page.CloseAsync();
    }
}
