using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;

namespace CaptionBoundaries.Application.Security;

/// <summary>
/// Records every command (every change, allowed, refused or failed) in the audit log with the actor and where they
/// came from. Queries change nothing and are not recorded. Outermost behavior, so refusals are recorded too.
/// </summary>
public sealed class AuditBehavior<TMessage, TResponse>(ActorContext actors, AuditLog audit) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not IBaseCommand || Attribute.IsDefined(message.GetType(), typeof(NotAuditedAttribute)))
            return await next(message, cancellationToken);
        var action = AuditText.ActionOf(message.GetType());
        var details = AuditText.DetailsOf(message);
        try
        {
            var response = await next(message, cancellationToken);
            await audit.WriteAsync(actors.Current, action, details, "ok");
            return response;
        }
        catch (Exception e) when (e is NotAuthenticatedException or ForbiddenException)
        {
            await audit.WriteAsync(actors.Current, action, details, $"denied: {e.Message}");
            throw;
        }
        catch (Exception e)
        {
            await audit.WriteAsync(actors.Current, action, details, $"failed: {e.GetType().Name}: {e.Message}");
            throw;
        }
    }
}
