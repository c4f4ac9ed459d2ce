using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using CaptionBoundaries.Application.Features.Accounts;
using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;
using CaptionBoundaries.Ui.Services;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Tests.Security;

/// <summary>
/// Issue 15, finding 7: disabling or demoting an account must end its console session (the cookie, and the console's
/// requests) within the revalidation interval, set to one second here, instead of leaving it its old rights.
/// </summary>
public sealed class SessionRevocationTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly ApiFactory _factory = new() { Slots = 1 };

    public Task InitializeAsync()
    {
        _factory.Settings["Security:SessionRevalidationInterval"] = "00:00:01";
        _factory.Settings["Security:RateLimitPerMinute"] = "100000";
        _factory.CreateClient().Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_disabled_accounts_console_cookie_is_refused_within_the_revalidation_interval()
    {
        await _factory.CreateUserTokenAsync("rita", Roles.Researcher);
        using var browser = ConsoleSignIn.CookieClient(_factory);
        Assert.Equal("/experiments", ConsoleSignIn.Target(await ConsoleSignIn.PostAsync(browser, "rita", Accounts.Password)));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/experiments")).StatusCode);

        using var admin = _factory.CreateClient();
        (await admin.PutAsJsonAsync("/api/users/rita/disabled", new { disabled = true })).EnsureSuccessStatusCode();

        await AssertSentToSignInWithin(browser, Deadline);
    }

    [Fact]
    public async Task A_demoted_accounts_console_cookie_is_refused_within_the_interval_and_its_token_gets_403_for_researcher_work()
    {
        var token = await _factory.CreateUserTokenAsync("remy", Roles.Researcher);
        using var browser = ConsoleSignIn.CookieClient(_factory);
        ConsoleSignIn.Target(await ConsoleSignIn.PostAsync(browser, "remy", Accounts.Password));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/experiments")).StatusCode);
        using var api = _factory.CreateClient(token);
        // A researcher may cancel runs: an unknown one is refused for being unknown, i.e. the role check let it through.
        var allowed = (await api.PostAsync($"/api/experiments/{Guid.NewGuid()}/cancel", null)).StatusCode;
        Assert.True(allowed is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized), $"a researcher's cancel answered {allowed}");

        using var admin = _factory.CreateClient();
        (await admin.PutAsJsonAsync("/api/users/remy/role", new { role = Roles.Viewer })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsync($"/api/experiments/{Guid.NewGuid()}/cancel", null)).StatusCode);
        await AssertSentToSignInWithin(browser, Deadline);
        // Signing in again gives a session with the new role only.
        Assert.Equal("/experiments", ConsoleSignIn.Target(await ConsoleSignIn.PostAsync(browser, "remy", Accounts.Password)));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/experiments")).StatusCode);
    }

    [Fact]
    public async Task A_console_request_is_judged_by_the_accounts_current_role_not_by_the_circuits_claims()
    {
        await _factory.CreateUserTokenAsync("rosa", Roles.Researcher);
        // The principal the console circuit holds: made at sign-in, when rosa was a researcher.
        ClaimsPrincipal signedIn;
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var claims = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>();
            signedIn = await claims.CreateAsync((await users.FindByNameAsync("rosa"))!);
        }
        var console = new UiSender(_factory.Services.GetRequiredService<IServiceScopeFactory>(), new FixedAuthenticationState(signedIn));
        // Still a researcher: the role check lets the cancel through (the unknown run is then refused for being unknown).
        var allowed = await Record.ExceptionAsync(() => console.Command(new CancelExperimentCommand(Guid.NewGuid())));
        Assert.True(allowed is DomainException { Kind: DomainErrorKind.NotFound }, $"expected 'never submitted', got {allowed?.GetType().Name}: {allowed?.Message}");

        await Accounts.SendAsLocalOperator(_factory.Services, new SetUserRoleCommand("rosa", Roles.Viewer));
        // No waiting for the circuit's revalidation: the very next console request is refused.
        var refused = await Record.ExceptionAsync(() => console.Command(new CancelExperimentCommand(Guid.NewGuid())));
        Assert.True(refused is ForbiddenException or NotAuthenticatedException, $"expected a refusal, got {refused?.GetType().Name}: {refused?.Message}");

        await Accounts.SendAsLocalOperator(_factory.Services, new SetUserDisabledCommand("rosa", true));
        await Assert.ThrowsAsync<NotAuthenticatedException>(() => console.Command(new CancelExperimentCommand(Guid.NewGuid())));
    }

    /// <summary>Polls a console page with the cookie until it is sent to the sign-in form (the session no longer stands).</summary>
    private static async Task AssertSentToSignInWithin(HttpClient browser, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        HttpResponseMessage last;
        do
        {
            last = await browser.GetAsync("/experiments");
            if (last.StatusCode == HttpStatusCode.Redirect && last.Headers.Location!.OriginalString.Contains("/account/login")) return;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < until);
        Assert.Fail($"The old session still opens console pages after {deadline.TotalSeconds} s: {(int)last.StatusCode} {last.Headers.Location}");
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}
