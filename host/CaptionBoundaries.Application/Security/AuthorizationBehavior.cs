using System.Collections.Concurrent;
using System.Reflection;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;

namespace CaptionBoundaries.Application.Security;

/// <summary>
/// Checks every request against its <see cref="RequiresRoleAttribute"/> before validation and the handler, so the
/// API, the console and the CLI are guarded by the same rule. Ownership rules (your own runs, a model's owners) are
/// checked in the handlers that know the owner.
/// </summary>
public sealed class AuthorizationBehavior<TMessage, TResponse>(ActorContext actors) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly ConcurrentDictionary<Type, string?> Required = new();

    public static string? RoleFor(Type requestType) =>
        Required.GetOrAdd(requestType, t => t.GetCustomAttribute<RequiresRoleAttribute>()?.Role);

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var role = RoleFor(message.GetType())
                   ?? throw new InvalidOperationException($"{message.GetType().Name} declares no [RequiresRole]; requests are refused unless they say who may send them.");
        var actor = actors.Current;
        if (role == Roles.Anyone) return next(message, cancellationToken);
        if (!actor.IsAuthenticated)
            throw new NotAuthenticatedException($"Sign in or send an API token (Authorization: Bearer …) to {Describe(message)}.");
        if (!actor.Has(role))
            throw new ForbiddenException($"{actor.Name} ({string.Join(", ", actor.Roles)}) may not {Describe(message)}: the {role} role is needed.");
        return next(message, cancellationToken);
    }

    private static string Describe(TMessage message) => AuditText.ActionOf(message.GetType());
}
