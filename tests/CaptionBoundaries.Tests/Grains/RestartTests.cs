using CaptionBoundaries.Application.Tracking;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Experiments;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Tests.Grains;

public sealed class RestartTests
{
    [Fact]
    public async Task AfterARestartTheCutOffRunIsFailedAndTheQueuedOneRuns()
    {
        await using var c = await GrainCluster.StartAsync(slots: 1);
        var running = await c.SubmitAsync(c.Spec("cut-off", 2000));
        var queued = await c.SubmitAsync(c.Spec("waits-through-restart", 1));
        await c.WaitForPhase(running.Id, ExperimentPhase.Running);
        Assert.Equal([queued.Id], (await c.Scheduler.GetSnapshot()).Queue);

        await c.RestartAsync();

        var failed = await c.WaitForPhase(running.Id, ExperimentPhase.Failed);
        Assert.Equal(ExperimentGrain.HostRestartedReason, failed.FailureReason);
        Assert.Equal("cut-off", failed.Name);
        var completed = await c.WaitForPhase(queued.Id, ExperimentPhase.Completed);
        Assert.Equal(GrainCluster.Slot(0), completed.Slot);
        Assert.Equal(1, completed.EpochsDone);

        var rows = await c.QueryDb(db => db.Experiments.Where(e => e.Id == running.Id || e.Id == queued.Id).ToDictionaryAsync(e => e.Id));
        Assert.Equal(ExperimentStatus.Failed, rows[running.Id].Status);
        Assert.Equal(ExperimentGrain.HostRestartedReason, rows[running.Id].FailureReason);
        Assert.Equal(ExperimentStatus.Completed, rows[queued.Id].Status);
        await Eventually.True(async () => (await c.Scheduler.GetSnapshot()).Slots.All(s => s.ExperimentId is null), 30,
            () => "the slot should be free once the queued run completed");
    }
}
