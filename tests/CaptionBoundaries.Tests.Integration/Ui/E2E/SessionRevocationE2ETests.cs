using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Microsoft.Playwright;

namespace CaptionBoundaries.Tests.Ui.E2E;

/// <summary>
/// Issue 15, finding 7, in the browser: a console page whose account is disabled meanwhile must not keep its live
/// circuit (and its rights) until reloaded. The server revalidates circuits every 2 s here (ConsoleServer).
/// </summary>
[Collection(ConsoleE2ECollection.Name)]
public sealed class SessionRevocationE2ETests(ConsoleE2EFixture console)
{
    [Fact]
    public async Task A_researchers_open_console_page_is_sent_to_sign_in_without_a_reload_once_the_account_is_disabled()
    {
        using var admin = console.Server.Http();
        (await admin.PostAsJsonAsync("/api/users", new { user_name = "e2e-rowan", password = Support.Accounts.Password, role = Roles.Researcher }))
            .EnsureSuccessStatusCode();
        var state = await console.SignInAsync("e2e-rowan", Support.Accounts.Password);
        var page = await console.Browser.Instance.NewPageAsync(new() { BaseURL = console.Server.BaseUrl, StorageState = state });
        var loads = 0;
        page.Load += (_, _) => loads++;
        await page.GotoAsync("/experiments");
        await page.WaitForSelectorAsync(".cb-shell[data-interactive=true]", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveTextAsync("e2e-rowan");
        var loadsBefore = loads;

        (await admin.PutAsJsonAsync("/api/users/e2e-rowan/disabled", new { disabled = true })).EnsureSuccessStatusCode();

        // Nobody reloads the page: the circuit itself notices within the revalidation interval (2 s) and leaves.
        await page.WaitForURLAsync(new Regex("/account/login\\?returnUrl=%2Fexperiments", RegexOptions.IgnoreCase), new() { Timeout = 30_000 });
        Assert.Equal(loadsBefore + 1, loads);
        Assert.DoesNotContain("cb-shell", await page.ContentAsync());
        // And the cookie the browser still holds opens nothing either.
        await page.GotoAsync("/experiments");
        await page.WaitForURLAsync(new Regex("/account/login", RegexOptions.IgnoreCase));
        await page.CloseAsync();
    }
}
