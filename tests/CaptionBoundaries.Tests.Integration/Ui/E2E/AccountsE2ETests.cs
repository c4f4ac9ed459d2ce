using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>The console's door: nothing without signing in, a wrong password refused, and the admin page managing accounts.</summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class AccountsE2ETests(ConsoleE2EFixture console)
{
    [Fact]
    public async Task A_console_page_sends_an_anonymous_visitor_to_sign_in_and_a_wrong_password_is_refused()
    {
        var page = await console.Browser.Instance.NewPageAsync(new() { BaseURL = console.Server.BaseUrl });
        await page.GotoAsync("/experiments");

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?returnUrl=%2Fexperiments", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        Assert.DoesNotContain("cb-shell", await page.ContentAsync());
        await page.FillAsync("input[name=userName]", ConsoleServer.AdminName);
        await page.FillAsync("input[name=password]", "not-the-password");
        await page.ClickAsync("#login-submit");
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("Wrong user name or password");

        await page.FillAsync("input[name=userName]", ConsoleServer.AdminName);
        await page.FillAsync("input[name=password]", Support.Accounts.Password);
        await page.ClickAsync("#login-submit");
        await page.WaitForURLAsync("**/experiments");
        await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveTextAsync(ConsoleServer.AdminName);
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_admin_page_creates_an_account_that_can_sign_in_and_shows_it_in_the_audit_log()
    {
        var page = await console.OpenAsync("/admin");
        await page.Locator("[name=new-user-name]").FillAsync("e2e-viewer");
        await page.Locator("[name=new-user-password]").FillAsync("viewer-password-123");
        await page.Locator("#create-user").ClickAsync();
        await Assertions.Expect(page.Locator("#users")).ToContainTextAsync("e2e-viewer");
        await Assertions.Expect(page.Locator("#audit")).ToContainTextAsync("create user");
        Directory.CreateDirectory(ConsoleE2EFixture.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleE2EFixture.ScreenshotFolder, "admin.png"), FullPage = true });
        await page.CloseAsync();

        // The new account signs in; as a researcher (the default role) it cannot read the audit log.
        var state = await console.SignInAsync("e2e-viewer", "viewer-password-123");
        var own = await console.Browser.Instance.NewPageAsync(new() { BaseURL = console.Server.BaseUrl, StorageState = state });
        await own.GotoAsync("/admin");
        await own.WaitForSelectorAsync(".cb-shell[data-interactive=true]", new() { Timeout = 60_000 });
        await Assertions.Expect(own.Locator(".cb-error").First).ToContainTextAsync("admin role is needed");
        await own.CloseAsync();
    }

    [Fact]
    public async Task An_admin_uploads_a_plugin_from_the_architectures_page_and_a_plugin_that_implements_nothing_is_refused_in_place()
    {
        var page = await console.OpenAsync("/architectures");
        var empty = Path.Combine(Support.TestPaths.TestPlugins, Support.TestPaths.EmptyPlugin, Support.TestPaths.EmptyPlugin + ".dll");
        await page.Locator("#plugin-file").SetInputFilesAsync(empty);
        await page.Locator("#plugin-install").ClickAsync();
        await Assertions.Expect(page.Locator("#plugin-upload ~ .cb-error, .cb-error").First).ToContainTextAsync("has no implementations");
        Assert.False(Directory.Exists(Path.Combine(console.Server.PluginsFolder, Support.TestPaths.EmptyPlugin)));
        await page.CloseAsync();
    }
}
