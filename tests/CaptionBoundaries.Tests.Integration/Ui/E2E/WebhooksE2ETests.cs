using System.Net;
using CaptionBoundaries.Tests.Registry;
using CaptionBoundaries.Tests.Support;
using CaptionBoundaries.Tests.Webhooks;
using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>
/// The console's Webhooks page on a real `serve` whose one webhook answers 500: the dead letter is shown with its
/// error, and once the receiver recovers, Redeliver sends it and the page shows it delivered. Its own server: the
/// shared console fixture has no webhooks configured.
/// </summary>
public sealed class WebhooksE2ETests : IAsyncLifetime
{
    private readonly WebhookReceiver _receiver = new() { StatusCode = 500 };
    private readonly ConsoleE2EFixture _console = new();

    public async Task InitializeAsync()
    {
        _console.Server.Environment["CAPTIONBOUNDARIES_Registry__Webhooks__0"] = _receiver.Url + "?token=e2e-secret";
        _console.Server.Environment["CAPTIONBOUNDARIES_Webhooks__MaxAttempts"] = "1";
        await _console.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        _receiver.Dispose();
    }

    [Fact]
    public async Task A_dead_letter_is_shown_with_its_error_and_redelivered_from_the_page()
    {
        using var http = _console.Server.Http();
        await TinyVersion.RegisterAsync(_console.Server, http, "e2e-hooked", 1);
        await Grains.Eventually.True(async () =>
                (await ApiJson.Expect(await http.GetAsync("/api/webhooks/deliveries?status=dead_lettered"), HttpStatusCode.OK)).GetProperty("dead_lettered").GetInt32() == 1,
            60, () => $"the delivery should be dead-lettered:\n{_console.Server.Log}");

        var page = await _console.OpenAsync("/webhooks");
        await Assertions.Expect(page.Locator("#count-dead-lettered")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#webhook-deliveries")).ToContainTextAsync("answered 500");
        Assert.DoesNotContain("e2e-secret", await page.ContentAsync());
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "webhooks.png"), FullPage = true });

        _receiver.StatusCode = 204;
        await page.Locator("button.redeliver").ClickAsync();
        await Grains.Eventually.True(async () =>
        {
            await page.Locator("#webhooks-refresh").ClickAsync();
            return (await page.Locator("#count-delivered").TextContentAsync())?.Trim() == "1";
        }, 60, () => $"the redelivered delivery should show as delivered:\n{_console.Server.Log}");
        await Assertions.Expect(page.Locator("button.redeliver")).ToHaveCountAsync(0);
        Assert.Equal(2, _receiver.Received.Count);
        await page.CloseAsync();
    }
}
