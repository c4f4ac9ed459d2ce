using CaptionBoundaries.Application.Tracking;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Security;

/// <summary>
/// Every request about a model (<see cref="IModelRequest"/>: its versions, benchmarks, monitoring, predictions) sees a
/// private model only as its owner or an admin; anyone else gets the same "not found" as for a model that does not exist.
/// </summary>
public sealed class ModelVisibilityBehavior<TMessage, TResponse>(ActorContext actors, TrackingDbContext db) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IModelRequest { Model: { Length: > 0 } model } && !await ModelVisibility.IsVisibleAsync(db, actors.Current, model, cancellationToken))
            throw new KeyNotFoundException($"No model named '{model}' is registered.");
        return await next(message, cancellationToken);
    }
}

public static class ModelVisibility
{
    public static async Task<bool> IsVisibleAsync(TrackingDbContext db, Actor actor, string model, CancellationToken ct)
    {
        if (actor.IsAdmin) return true;
        var access = await db.ModelAccess.AsNoTracking().FirstOrDefaultAsync(a => a.ModelName == model, ct);
        return access is null || !access.IsPrivate || access.Owner == actor.Name;
    }

    /// <summary>The private models the actor may not see, to filter listings.</summary>
    public static async Task<HashSet<string>> HiddenFromAsync(TrackingDbContext db, Actor actor, CancellationToken ct) =>
        actor.IsAdmin
            ? []
            : (await db.ModelAccess.AsNoTracking().Where(a => a.IsPrivate && a.Owner != actor.Name).Select(a => a.ModelName).ToListAsync(ct)).ToHashSet();
}
