using CaptionBoundaries.Application.Security;
using Mediator;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Ui.Services;

/// <summary>
/// Sends each request through Mediator in its own DI scope. A circuit lives for the whole browser session and
/// a page can poll while the user clicks, so a circuit-wide scope would share one DbContext between
/// concurrent requests; a scope per request keeps them apart, exactly like one API call each.
/// Each request carries the signed-in account as its actor, so the handlers authorize and audit console use
/// exactly as they do API calls. Scoped: one per circuit, like the account it speaks for.
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
        scope.ServiceProvider.GetRequiredService<ActorContext>().Current = ActorClaims.ToActor(state.User, "console");
        return scope;
    }
}
