using CaptionBoundaries.Tests.Support;
using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>One served console and one browser for all E2E tests: starting the host costs ~15 s on 2 cores.</summary>
public sealed class ConsoleE2EFixture : IAsyncLifetime
{
    public ConsoleServer Server { get; } = new();
    public Browser Browser { get; } = new();

    public static string ScreenshotFolder => Path.Combine(TestPaths.RepoRoot(), "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        await Browser.InitializeAsync();
        _signedIn = await SignInAsync(ConsoleServer.AdminName, Support.Accounts.Password);
    }

    private string _signedIn = "";

    /// <summary>Signs in through the console's own form and returns the browser state (the session cookie) to reuse.</summary>
    public async Task<string> SignInAsync(string userName, string password)
    {
        await using var context = await Browser.Instance.NewContextAsync(new() { BaseURL = Server.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.FillAsync("input[name=userName]", userName);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync(".cb-shell[data-interactive=true]", new() { Timeout = 60_000 });
        return await context.StorageStateAsync();
    }

    /// <summary>A page at a console path, once the interactive circuit is up (Blazor has started).</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var page = await Browser.Instance.NewPageAsync(new()
        {
            BaseURL = Server.BaseUrl,
            ViewportSize = new() { Width = 1400, Height = 1000 },
            StorageState = _signedIn,
        });
        await page.GotoAsync(path);
        // Prerendered HTML looks ready before the circuit is: wait until the layout says it is interactive.
        await page.WaitForSelectorAsync(".cb-shell[data-interactive=true]", new() { Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('h1') !== null");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return page;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleE2ECollection : ICollectionFixture<ConsoleE2EFixture>
{
    public const string Name = "console-e2e";
}
