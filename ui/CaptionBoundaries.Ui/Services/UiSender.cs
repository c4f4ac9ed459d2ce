using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Ui.Services;

/// <summary>
/// Sends each request through Mediator in its own DI scope. A circuit lives for the whole browser session and
/// a page can poll while the user clicks, so a circuit-wide scope would share one DbContext between
/// concurrent requests; a scope per request keeps them apart, exactly like one API call each.
/// Each request carries the signed-in account as its actor, so the handlers authorize and audit console use
/// exactly as they do API calls. The actor's roles are read from the account as it is now, not from the claims the
/// circuit signed in with: a demoted or disabled account's page cannot act on its old rights while it waits for the
/// circuit's revalidation. Scoped: one per circuit, like the account it speaks for.
/// </summary>
public sealed class UiSender(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public async Task<TResponse> Query<TResponse>(IQuery<TResponse> query, CancellationToken ct = default)
    {
        await using var scope = await ScopeAsync();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(query, ct);
    }

    public async Task<TResponse> Command<TResponse>(ICommand<TResponse> command, CancellationToken ct = default)
    {
        await using var scope = await ScopeAsync();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, ct);
    }

    private async Task<AsyncServiceScope> ScopeAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        var scope = scopes.CreateAsyncScope();
        // Component tests run the console without accounts; there the claims are all there is.
        var sessions = scope.ServiceProvider.GetService<AccountSessions>();
        scope.ServiceProvider.GetRequiredService<ActorContext>().Current = sessions is null
            ? ActorClaims.ToActor(state.User, "console")
            : await sessions.CurrentActorAsync(state.User, "console");
        return scope;
    }
}
