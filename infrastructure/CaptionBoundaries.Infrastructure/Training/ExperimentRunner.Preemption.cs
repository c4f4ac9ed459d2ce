using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Training;

/// <summary>
/// Pre-emption: the run was stopped through its cancellation (so <see cref="RunAsync"/> wrote it as Cancelled), but it is
/// going back to the queue, not ending. Its row (and a plan's interrupted stage) turns Queued again, keeping every epoch
/// and checkpoint already recorded, so the next <see cref="RunAsync"/> continues the same row.
/// </summary>
public sealed partial class ExperimentRunner
{
    /// <summary>The run's "last" checkpoint (null when no epoch finished or its file is gone): where a plain run resumes.</summary>
    public async Task<PreemptedRun> RequeueAfterPreemptionAsync(Guid experimentId, CancellationToken cancellationToken = default)
    {
        var experiment = await db.Experiments.SingleAsync(e => e.Id == experimentId, cancellationToken);
        var interrupted = await db.Experiments
            .Where(e => e.ParentExperimentId == experimentId && e.Status != ExperimentStatus.Completed)
            .ToListAsync(cancellationToken);
        foreach (var run in interrupted.Append(experiment).Where(r => r.Status is ExperimentStatus.Cancelled or ExperimentStatus.Running))
        {
            run.Status = ExperimentStatus.Queued;
            run.FinishedAtUtc = null;
            run.FailureReason = null;
        }
        await db.SaveChangesAsync(cancellationToken);
        var last = await db.Checkpoints.AsNoTracking()
            .SingleOrDefaultAsync(c => c.ExperimentId == experimentId && c.Kind == Trainer.LastKind, cancellationToken);
        return last is not null && File.Exists(last.Path) ? new PreemptedRun(last.Path, last.Epoch) : new PreemptedRun(null, null);
    }
}

/// <summary>Where a pre-empted run picks up: its last checkpoint and that checkpoint's epoch, or nothing (from scratch).</summary>
public sealed record PreemptedRun(string? LastCheckpoint, int? LastEpoch);
