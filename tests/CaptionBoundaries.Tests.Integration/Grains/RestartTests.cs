using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Grains.Experiments;
using CaptionBoundaries.Infrastructure.Tracking;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Tests.Grains;

public sealed class RestartTests
{
    [Fact]
    public async Task AfterARestartTheCutOffRunResumesFromItsLastCheckpointAndTheQueuedOneStillRuns()
    {
        await using var c = await GrainCluster.StartAsync(slots: 1);
        var running = await c.SubmitAsync(c.Spec("cut-off", 2000));
        var queued = await c.SubmitAsync(c.Spec("waits-through-restart", 1));
        ExperimentInfo? seen = null;
        await Eventually.True(async () => (seen = await c.Experiment(running.Id).GetInfo()).EpochsDone >= 3, 60,
            () => $"the first run never finished 3 epochs; last seen {seen}");
        Assert.Equal([queued.Id], (await c.Scheduler.GetSnapshot()).Queue);

        await c.RestartAsync();

        // The node's registration finds its slot still leased to the cut-off run: the run goes back to the head of the
        // queue (ahead of its owner's other run) with its last checkpoint, and starts again on the slot.
        ExperimentInfo? resumed = null;
        await Eventually.True(async () =>
        {
            resumed = await c.Experiment(running.Id).GetInfo();
            return resumed.Phase == ExperimentStatus.Running && resumed.Preemptions.Count == 1 && resumed.EpochsDone > resumed.Preemptions[0].CheckpointEpoch;
        }, 60, () => $"the cut-off run did not resume; last seen {resumed}");
        var interruption = resumed!.Preemptions[0];
        Assert.Equal(ExperimentGrain.ClusterActor, interruption.By);
        Assert.Contains($"node {GrainCluster.Node} restarted", interruption.Reason);
        Assert.NotNull(interruption.ResumeFrom);
        Assert.True(interruption.CheckpointEpoch >= 3, $"resumed from epoch {interruption.CheckpointEpoch}, expected at least 3");
        Assert.Equal(ExperimentStatus.Queued, (await c.Experiment(queued.Id).GetInfo()).Phase);

        await c.Experiment(running.Id).Cancel();
        await c.WaitForPhase(running.Id, ExperimentStatus.Cancelled);
        var completed = await c.WaitForPhase(queued.Id, ExperimentStatus.Completed);
        Assert.Equal(GrainCluster.Slot(0), completed.Slot);

        // Nothing recorded was lost or recorded twice: every epoch up to the last one once.
        var epochs = await c.QueryDb(db => db.EpochMetrics.Where(m => m.ExperimentId == running.Id).Select(m => m.Epoch).ToListAsync());
        Assert.Equal(Enumerable.Range(1, epochs.Count), epochs.Order());
        Assert.True(epochs.Count > interruption.CheckpointEpoch);
        var row = await c.QueryDb(db => db.Experiments.SingleAsync(e => e.Id == running.Id));
        Assert.Equal(ExperimentStatus.Cancelled, row.Status);
        await Eventually.True(async () => (await c.Scheduler.GetSnapshot()).Slots.All(s => s.ExperimentId is null), 30,
            () => "the slot should be free once the queued run completed");
    }
}
