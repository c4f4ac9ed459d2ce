using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace CaptionBoundaries.Host.Server.Security;

/// <summary>
/// The console circuit's authentication state, re-checked every <see cref="SecurityOptions.SessionRevalidationInterval"/>:
/// once the account is disabled, deleted or its security stamp changed (role change), the circuit becomes anonymous,
/// and the router sends the page to the sign-in form without waiting for a reload.
/// </summary>
public sealed class SessionRevalidatingAuthenticationStateProvider(ILoggerFactory loggers, IServiceScopeFactory scopes, SecurityOptions options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => options.SessionRevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        // The circuit outlives any one request: a fresh scope (and DbContext) for each check.
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountSessions>().StillStandsAsync(state.User);
    }
}
