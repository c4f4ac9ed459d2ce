using CaptionBoundaries.Application.Features.Experiments;
using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Mlflow;

// Artifacts through MLflow's two surfaces: artifacts/list on the tracking API (by run id), and the artifacts proxy
// (mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<path>), which is where a run's artifact_uri points.

[RequiresRole(Roles.Viewer)]
public sealed record ListMlflowArtifactsQuery(string? RunId, string? Path) : IQuery<MlflowArtifactListing>;

/// <summary>Lists a folder of the artifacts proxy (the path starts with the run's experiment id and run id).</summary>
[RequiresRole(Roles.Viewer)]
public sealed record ListProxiedArtifactsQuery(string? Path) : IQuery<IReadOnlyList<MlflowFileInfo>>;

[RequiresRole(Roles.Researcher)]
public sealed record UploadProxiedArtifactCommand(string ProxyPath, Stream Content, long MaxBytes) : ICommand<MlflowFileInfo>;

[RequiresRole(Roles.Viewer)]
public sealed record DownloadProxiedArtifactQuery(string ProxyPath) : IQuery<ArtifactDownload>;

public sealed record MlflowArtifactListing(string RootUri, IReadOnlyList<MlflowFileInfo> Files);

/// <summary>An artifact's bytes to stream back; the caller disposes <paramref name="Content"/>.</summary>
public sealed record ArtifactDownload(string FileName, long SizeBytes, string Sha256, Stream Content);

public sealed class ListMlflowArtifactsValidator : AbstractValidator<ListMlflowArtifactsQuery>;

public sealed class ListProxiedArtifactsValidator : AbstractValidator<ListProxiedArtifactsQuery>;

public sealed class UploadProxiedArtifactValidator : AbstractValidator<UploadProxiedArtifactCommand>;

public sealed class DownloadProxiedArtifactValidator : AbstractValidator<DownloadProxiedArtifactQuery>;

public sealed class MlflowArtifactHandlers(TrackingDbContext db, ActorContext actors, MlflowRunReader reader, RunArtifactStore store) :
    IQueryHandler<ListMlflowArtifactsQuery, MlflowArtifactListing>,
    IQueryHandler<ListProxiedArtifactsQuery, IReadOnlyList<MlflowFileInfo>>,
    ICommandHandler<UploadProxiedArtifactCommand, MlflowFileInfo>,
    IQueryHandler<DownloadProxiedArtifactQuery, ArtifactDownload>
{
    public async ValueTask<MlflowArtifactListing> Handle(ListMlflowArtifactsQuery query, CancellationToken ct)
    {
        var run = await reader.FindAsync(query.RunId, ct);
        var entries = await store.ListAsync(run.Id, query.Path, ct);
        return new MlflowArtifactListing(MlflowRunReader.ArtifactUriOf(run), entries.Select(e => new MlflowFileInfo(e.Path, e.IsDirectory, e.SizeBytes)).ToList());
    }

    public async ValueTask<IReadOnlyList<MlflowFileInfo>> Handle(ListProxiedArtifactsQuery query, CancellationToken ct)
    {
        var (run, folder) = await Locate(query.Path, allowRoot: true, ct);
        var entries = await store.ListAsync(run.Id, folder, ct);
        // The proxy lists paths relative to the folder asked for, as MLflow's artifact repositories do.
        var prefix = folder.Length == 0 ? "" : folder + "/";
        return entries.Select(e => new MlflowFileInfo(e.Path[prefix.Length..], e.IsDirectory, e.SizeBytes)).ToList();
    }

    public async ValueTask<MlflowFileInfo> Handle(UploadProxiedArtifactCommand command, CancellationToken ct)
    {
        var (run, path) = await Locate(command.ProxyPath, allowRoot: false, ct);
        await ExperimentAccess.EnsureMayChange(db, actors.Current, run.Id, "attach artifacts to", ct);
        if (run.DeletedAtUtc is not null)
            throw DomainException.Invalid($"The run {run.Id:N} must be in the 'active' state. Current state is deleted.", "path");
        var saved = await store.SaveAsync(run.Id, path, command.Content, command.MaxBytes, actors.Current.Name, ct);
        return new MlflowFileInfo(saved.Path, false, saved.SizeBytes);
    }

    public async ValueTask<ArtifactDownload> Handle(DownloadProxiedArtifactQuery query, CancellationToken ct)
    {
        var (run, path) = await Locate(query.ProxyPath, allowRoot: false, ct);
        var (artifact, content) = await store.OpenAsync(run.Id, path, ct);
        return new ArtifactDownload(ArtifactPath.FileName(artifact.Path), artifact.SizeBytes, artifact.Sha256, content);
    }

    /// <summary>
    /// The run and the artifact path a proxy path names: "&lt;experiment id&gt;/&lt;run id&gt;/artifacts/&lt;path&gt;", as in the
    /// run's artifact_uri. A run the caller may not see is not found, like an unknown one.
    /// </summary>
    private async Task<(Experiment Run, string Path)> Locate(string? proxyPath, bool allowRoot, CancellationToken ct)
    {
        var segments = (proxyPath ?? "").Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 3 || segments[2] != "artifacts")
            throw DomainException.Invalid("The artifact path must be '<experiment id>/<run id>/artifacts/<path>', as in the run's artifact_uri.", "path");
        var run = await reader.FindAsync(segments[1], ct);
        if (segments[0] != MlflowRunReader.ExperimentIdOf(run))
            throw DomainException.NotFound($"Run {segments[1]} is not in experiment {segments[0]}.");
        var rest = string.Join('/', segments.Skip(3));
        if (rest.Length == 0)
        {
            if (!allowRoot) throw DomainException.Invalid("The artifact path names a run's artifact root, not a file.", "path");
            return (run, "");
        }
        return (run, allowRoot ? ArtifactPath.NormalizeFolder(rest) : ArtifactPath.Normalize(rest));
    }
}
