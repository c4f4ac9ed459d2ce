using CaptionBoundaries.Application.Features.Reports;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>One of a run's files to download: its record, its bytes (the caller disposes the stream) and a safe file name.</summary>
[RequiresRole(Roles.Viewer)]
public sealed record OpenRunArtifactQuery(Guid ExperimentId, string Path) : IQuery<RunArtifactContent>;

public sealed record RunArtifactContent(RunArtifactView Artifact, Stream Content, string FileName);

public sealed class OpenRunArtifactValidator : AbstractValidator<OpenRunArtifactQuery>
{
    public OpenRunArtifactValidator() => RuleFor(q => q.Path).MustBeArtifactPath();
}

public sealed class OpenRunArtifactHandler(TrackingDbContext db, RunArtifactStore artifacts, ActorContext actors)
    : IQueryHandler<OpenRunArtifactQuery, RunArtifactContent>
{
    public async ValueTask<RunArtifactContent> Handle(OpenRunArtifactQuery query, CancellationToken ct)
    {
        await RunAccess.EnsureVisibleAsync(db, actors.Current, query.ExperimentId, ct);
        var (artifact, content) = await artifacts.OpenAsync(query.ExperimentId, query.Path, ct);
        return new RunArtifactContent(RunArtifactView.From(artifact), content, DownloadName.Safe(ArtifactPath.FileName(artifact.Path), "artifact"));
    }
}
