using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using CaptionBoundaries.Infrastructure.Tracking;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Application.Features.Experiments;

/// <summary>Sets (adds or replaces) a tag on a run: its owner or an admin. Answers the run's tags after the change.</summary>
[RequiresRole(Roles.Researcher)]
public sealed record SetRunTagCommand(Guid ExperimentId, string Key, string Value) : ICommand<IReadOnlyList<RunTagView>>;

public sealed class SetRunTagValidator : AbstractValidator<SetRunTagCommand>
{
    public SetRunTagValidator()
    {
        RuleFor(c => c.Key).MustBeTagKey();
        RuleFor(c => c.Value).MustBeTagValue();
    }
}

public sealed class SetRunTagHandler(TrackingDbContext db, ActorContext actors) : ICommandHandler<SetRunTagCommand, IReadOnlyList<RunTagView>>
{
    public async ValueTask<IReadOnlyList<RunTagView>> Handle(SetRunTagCommand command, CancellationToken ct)
    {
        await RunAccess.EnsureMayChangeAsync(db, actors.Current, command.ExperimentId, "tag", ct);
        for (var attempt = 0; ; attempt++)
        {
            var tag = await db.RunTags.FirstOrDefaultAsync(t => t.ExperimentId == command.ExperimentId && t.Key == command.Key, ct);
            if (tag is null) db.RunTags.Add(new RunTag { ExperimentId = command.ExperimentId, Key = command.Key, Value = command.Value });
            else tag.Value = command.Value;
            try
            {
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // The same key was added by another request meanwhile (primary key): set its value instead.
                db.ChangeTracker.Clear();
            }
        }
        return await RunTagView.OfAsync(db, command.ExperimentId, ct);
    }
}
