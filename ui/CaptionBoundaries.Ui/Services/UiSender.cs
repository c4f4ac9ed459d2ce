using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CaptionBoundaries.Ui.Services;

/// <summary>
/// Sends each request through Mediator in its own DI scope. A circuit lives for the whole browser session and
/// a page can poll while the user clicks, so a circuit-wide scope would share one DbContext between
/// concurrent requests; a scope per request keeps them apart, exactly like one API call each.
/// </summary>
public sealed class UiSender(IServiceScopeFactory scopes)
{
    public async Task<TResponse> Query<TResponse>(IQuery<TResponse> query, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(query, ct);
    }

    public async Task<TResponse> Command<TResponse>(ICommand<TResponse> command, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, ct);
    }
}
