using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace CaptionBoundaries.Host.Api;

/// <summary>Console sign-in and sign-out: form posts (with antiforgery) that set or clear the session cookie.</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").WithTags("Accounts").RequireRateLimiting(Server.Security.SecuritySetup.RateLimitPolicy);
        account.MapPost("/login", async ([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl,
            SignInManager<AppUser> signIn, AuditLog audit, HttpContext http) =>
        {
            var target = IsLocal(returnUrl) ? returnUrl! : "/";
            var where = http.Connection.RemoteIpAddress?.ToString();
            var result = string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password)
                ? Microsoft.AspNetCore.Identity.SignInResult.Failed
                : await signIn.PasswordSignInAsync(userName, password, isPersistent: false, lockoutOnFailure: true);
            var actor = new Actor(userName ?? "", [], result.Succeeded, where);
            await audit.WriteAsync(actor, "sign in", "{}", result.Succeeded ? "ok" : result.IsLockedOut ? "denied: locked out" : "denied: wrong user name or password");
            return result.Succeeded
                ? TypedResults.LocalRedirect(target)
                : TypedResults.LocalRedirect($"/account/login?error={(result.IsLockedOut ? "locked" : "invalid")}&returnUrl={Uri.EscapeDataString(target)}");
        }).AllowAnonymous();

        account.MapPost("/logout", async (SignInManager<AppUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        });
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
