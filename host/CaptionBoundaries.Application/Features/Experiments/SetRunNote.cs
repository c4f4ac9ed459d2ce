using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>Replaces a run's free-text note (empty clears it): its owner or an admin.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record SetRunNoteCommand(Guid ExperimentId, string Note) : ICommand<RunNote>;

public sealed record RunNote(Guid ExperimentId, string? Note);

public sealed class SetRunNoteValidator : AbstractValidator<SetRunNoteCommand>
{
    public SetRunNoteValidator() =>
        RuleFor(c => c.Note).NotNull().WithMessage("Send the note (an empty one clears it).")
            .MaximumLength(RunRecordRules.MaxNoteLength).WithMessage($"A note is at most {RunRecordRules.MaxNoteLength} characters.")
            .OverridePropertyName("note");
}

public sealed class SetRunNoteHandler(TrackingDbContext db, ActorContext actors) : ICommandHandler<SetRunNoteCommand, RunNote>
{
    public async ValueTask<RunNote> Handle(SetRunNoteCommand command, CancellationToken ct)
    {
        await RunAccess.EnsureMayChangeAsync(db, actors.Current, command.ExperimentId, "annotate", ct);
        var note = string.IsNullOrWhiteSpace(command.Note) ? null : command.Note;
        await db.Experiments.Where(e => e.Id == command.ExperimentId).ExecuteUpdateAsync(s => s.SetProperty(e => e.Note, note), ct);
        return new RunNote(command.ExperimentId, note);
    }
}
