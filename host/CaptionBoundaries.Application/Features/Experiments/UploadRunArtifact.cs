using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>
/// Attaches a file to a run under a relative path (the same path again replaces it). Only the run's owner or an admin
/// may; the bytes are staged under <see cref="MaxBytes"/> (Security:MaxUploadMegabytes) and stored once by content.
/// </summary>
[RequiresRole(Roles.Researcher)]
public sealed record UploadRunArtifactCommand(Guid ExperimentId, string Path, Stream Content, long MaxBytes) : ICommand<RunArtifactView>;

public sealed class UploadRunArtifactValidator : AbstractValidator<UploadRunArtifactCommand>
{
    public UploadRunArtifactValidator()
    {
        RuleFor(c => c.Path).MustBeArtifactPath();
        RuleFor(c => c.MaxBytes).GreaterThan(0).OverridePropertyName("max_bytes");
    }
}

public sealed class UploadRunArtifactHandler(TrackingDbContext db, RunArtifactStore artifacts, ActorContext actors)
    : ICommandHandler<UploadRunArtifactCommand, RunArtifactView>
{
    public async ValueTask<RunArtifactView> Handle(UploadRunArtifactCommand command, CancellationToken ct)
    {
        // Who may write is settled before a byte of the body is read.
        await RunAccess.EnsureMayChangeAsync(db, actors.Current, command.ExperimentId, "attach files to", ct);
        var saved = await artifacts.SaveAsync(command.ExperimentId, command.Path, command.Content, command.MaxBytes, actors.Current.Name, ct);
        return RunArtifactView.From(saved);
    }
}
