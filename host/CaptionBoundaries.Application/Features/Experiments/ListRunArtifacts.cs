using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>
/// A run's files: the direct children of a folder (<see cref="Path"/>, empty for the root) like MLflow's artifacts/list,
/// or with <see cref="Recursive"/> every file under it.
/// </summary>
[RequiresRole(Roles.Viewer)]
public sealed record ListRunArtifactsQuery(Guid ExperimentId, string? Path = null, bool Recursive = false) : IQuery<RunArtifactListing>;

/// <summary>The folder listed (empty for the root) and its entries, folders marked.</summary>
public sealed record RunArtifactListing(string Path, IReadOnlyList<ArtifactEntry> Files);

public sealed class ListRunArtifactsValidator : AbstractValidator<ListRunArtifactsQuery>
{
    public ListRunArtifactsValidator() => RuleFor(q => q.Path).MustBeArtifactFolder();
}

public sealed class ListRunArtifactsHandler(TrackingDbContext db, RunArtifactStore artifacts, ActorContext actors)
    : IQueryHandler<ListRunArtifactsQuery, RunArtifactListing>
{
    public async ValueTask<RunArtifactListing> Handle(ListRunArtifactsQuery query, CancellationToken ct)
    {
        await RunAccess.EnsureVisibleAsync(db, actors.Current, query.ExperimentId, ct);
        var folder = ArtifactPath.NormalizeFolder(query.Path);
        if (!query.Recursive) return new RunArtifactListing(folder, await artifacts.ListAsync(query.ExperimentId, folder, ct));
        var prefix = folder.Length == 0 ? "" : folder + "/";
        var files = (await artifacts.AllAsync(query.ExperimentId, ct))
            .Where(a => a.Path.StartsWith(prefix, StringComparison.Ordinal))
            .Select(a => new ArtifactEntry(a.Path, false, a.SizeBytes, a.Sha256)).ToList();
        return new RunArtifactListing(folder, files);
    }
}
