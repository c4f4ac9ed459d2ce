using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Infrastructure.Training;

/// <summary>
/// The ending of a run whose worker process died without writing it (killed by a watchdog, crashed, or killed after a
/// stop it did not honour): written by the supervisor, on the run and on the stage a plan was in.
/// </summary>
public sealed partial class ExperimentRunner
{
    public async Task<(ExperimentStatus Status, string? Reason)> FinishAfterWorkerAsync(
        Guid experimentId, ExperimentStatus status, string reason, CancellationToken cancellationToken = default)
    {
        var stages = await db.Experiments
            .Where(e => e.ParentExperimentId == experimentId && (e.Status == ExperimentStatus.Running || e.Status == ExperimentStatus.Queued))
            .ToListAsync(cancellationToken);
        foreach (var stage in stages.Where(s => s.Status == ExperimentStatus.Running))
            await Finish(stage, status, reason);
        var running = stages.FirstOrDefault(s => s.Status == status && s.FailureReason == reason);
        return await FinishAsync(experimentId, status, running is null || status != ExperimentStatus.Failed ? reason : $"stage '{running.StageName}' failed: {reason}", cancellationToken);
    }
}
