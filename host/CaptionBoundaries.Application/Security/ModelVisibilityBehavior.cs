using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Security;

/// <summary>
/// Every request about a model (<see cref="IModelRequest"/>: its versions, benchmarks, monitoring, predictions) sees a
/// private model only as its owner or an admin; anyone else gets the same "not found" as for a model that does not exist.
/// </summary>
public sealed class ModelVisibilityBehavior<TMessage, TResponse>(ActorContext actors, PrivateModels privateModels, TrackingDbContext db)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IModelRequest { Model: { Length: > 0 } model } && !await privateModels.IsVisibleAsync(db, actors.Current, model, cancellationToken))
            throw DomainException.NotFound($"No model named '{model}' is registered.");
        return await next(message, cancellationToken);
    }
}
