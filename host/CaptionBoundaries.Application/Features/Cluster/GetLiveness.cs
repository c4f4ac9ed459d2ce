using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using Mediator;

namespace CaptionBoundaries.Application.Features.Cluster;

/// <summary>
/// What a load balancer or an anonymous caller learns: healthy or not, and whether the database answers. Nothing
/// about models, runs or slots: those are for accounts (<see cref="GetHealthQuery"/>).
/// </summary>
[RequiresRole(Roles.Anyone)]
public sealed record GetLivenessQuery : IQuery<Liveness>;

public sealed record Liveness(string Status, bool DatabaseReachable)
{
    public const string Healthy = "Healthy";

    /// <summary>The one rule for both health answers: the database answers and every plugin loaded.</summary>
    public static string StatusOf(bool databaseReachable, int pluginErrors) => databaseReachable && pluginErrors == 0 ? Healthy : "Degraded";
}

public sealed class GetLivenessHandler(TrackingDbContext db, PluginRegistry plugins) : IQueryHandler<GetLivenessQuery, Liveness>
{
    public async ValueTask<Liveness> Handle(GetLivenessQuery query, CancellationToken ct)
    {
        var database = await db.Database.CanConnectAsync(ct);
        return new Liveness(Liveness.StatusOf(database, plugins.Errors.Count), database);
    }
}
