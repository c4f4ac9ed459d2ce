using System.Net;
using System.Net.Http.Json;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Tests.Api;
using CaptionBoundaries.Tests.Support;

namespace CaptionBoundaries.Tests.Security;

/// <summary>
/// Issue 15, finding 8: ten wrong passwords lock an account's password sign-in, and used to stop its API tokens too,
/// so anyone who knew a service account's name could cut its serving clients off. Throttling must not disable tokens.
/// </summary>
public sealed class SignInLockoutTests
{
    [Fact]
    public async Task Ten_wrong_passwords_lock_the_password_sign_in_but_the_accounts_api_token_keeps_working()
    {
        await using var factory = new ApiFactory { Slots = 1 };
        var token = await factory.CreateUserTokenAsync("svc-predictor", Roles.Researcher);
        using var service = factory.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await service.GetAsync("/api/experiments")).StatusCode);

        using var stranger = ConsoleSignIn.CookieClient(factory);
        var targets = new List<string>();
        for (var i = 0; i < 10; i++)
            targets.Add(ConsoleSignIn.Target(await ConsoleSignIn.PostAsync(stranger, "svc-predictor", $"wrong-password-{i:D2}")));

        Assert.All(targets[..9], t => Assert.Contains("error=invalid", t));
        Assert.Contains("error=locked", targets[9]);
        // The lockout still holds for the right password: the throttling works...
        Assert.Contains("error=locked", ConsoleSignIn.Target(await ConsoleSignIn.PostAsync(stranger, "svc-predictor", Accounts.Password)));
        // ...but it is not a switch for the account's clients: the token still reads and is still refused nothing it may do.
        Assert.Equal(HttpStatusCode.OK, (await service.GetAsync("/api/experiments")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.GetAsync("/api/models")).StatusCode);
    }

    [Fact]
    public async Task A_disabled_accounts_api_token_is_refused_at_once_and_works_again_once_enabled()
    {
        await using var factory = new ApiFactory { Slots = 1 };
        var token = await factory.CreateUserTokenAsync("dora", Roles.Researcher);
        using var admin = factory.CreateClient();
        using var dora = factory.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await dora.GetAsync("/api/experiments")).StatusCode);

        (await admin.PutAsJsonAsync("/api/users/dora/disabled", new { disabled = true })).EnsureSuccessStatusCode();
        var refused = await dora.GetAsync("/api/experiments");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("disabled", await refused.Content.ReadAsStringAsync());
        var listed = await admin.GetFromJsonAsync<List<UserRow>>("/api/users");
        Assert.True(listed!.Single(u => u.UserName == "dora").Disabled);

        (await admin.PutAsJsonAsync("/api/users/dora/disabled", new { disabled = false })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await dora.GetAsync("/api/experiments")).StatusCode);
    }

    [Fact]
    public async Task A_sign_in_lockout_does_not_show_the_account_as_disabled()
    {
        await using var factory = new ApiFactory { Slots = 1 };
        await factory.CreateUserTokenAsync("lena", Roles.Viewer);
        using var stranger = ConsoleSignIn.CookieClient(factory);
        for (var i = 0; i < 10; i++) await ConsoleSignIn.PostAsync(stranger, "lena", $"wrong-password-{i:D2}");
        using var admin = factory.CreateClient();
        var listed = await admin.GetFromJsonAsync<List<UserRow>>("/api/users");
        Assert.False(listed!.Single(u => u.UserName == "lena").Disabled);
    }

    private sealed record UserRow(
        [property: System.Text.Json.Serialization.JsonPropertyName("user_name")] string UserName,
        [property: System.Text.Json.Serialization.JsonPropertyName("disabled")] bool Disabled);
}
