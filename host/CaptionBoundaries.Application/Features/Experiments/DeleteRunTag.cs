using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>Removes a tag from a run: its owner or an admin. A key the run does not have is not found.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record DeleteRunTagCommand(Guid ExperimentId, string Key) : ICommand<IReadOnlyList<RunTagView>>;

public sealed class DeleteRunTagValidator : AbstractValidator<DeleteRunTagCommand>
{
    public DeleteRunTagValidator() => RuleFor(c => c.Key).MustBeTagKey();
}

public sealed class DeleteRunTagHandler(TrackingDbContext db, ActorContext actors) : ICommandHandler<DeleteRunTagCommand, IReadOnlyList<RunTagView>>
{
    public async ValueTask<IReadOnlyList<RunTagView>> Handle(DeleteRunTagCommand command, CancellationToken ct)
    {
        await RunAccess.EnsureMayChangeAsync(db, actors.Current, command.ExperimentId, "untag", ct);
        var removed = await db.RunTags.Where(t => t.ExperimentId == command.ExperimentId && t.Key == command.Key).ExecuteDeleteAsync(ct);
        if (removed == 0) throw DomainException.NotFound($"Experiment {command.ExperimentId:N} has no tag '{command.Key}'.");
        return await RunTagView.OfAsync(db, command.ExperimentId, ct);
    }
}
