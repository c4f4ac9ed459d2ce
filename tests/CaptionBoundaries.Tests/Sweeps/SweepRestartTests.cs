using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Experiments;
using CaptionBoundaries.Tests.Grains;

namespace CaptionBoundaries.Tests.Sweeps;

public sealed class SweepRestartTests
{
    [Fact]
    public async Task AfterAHostRestartTheCutOffTrialsAreFailedAndTheSweepLaunchesTheNextOnes()
    {
        await using var cluster = await GrainCluster.StartAsync(slots: 2);
        var id = Guid.NewGuid();
        var baseSpec = cluster.Spec("restart", epochs: 2000);
        await cluster.Client.GetGrain<ISweepGrain>(id).Start("""
            name: restart
            method: grid
            metric: { name: val_macro_f1, goal: maximize }
            parameters:
              lr: { values: [0.001, 0.002, 0.003] }
            """, baseSpec);
        SweepInfo? sweep = null;
        await Eventually.True(async () => (sweep = await cluster.Client.GetGrain<ISweepGrain>(id).GetStatus()).Trials.Count(t => t.Status == TrialStatus.Running) == 2,
            60, () => $"two trials never ran; last seen {sweep}");

        var cutOff = sweep!.Trials.Select(t => t.ExperimentId).ToHashSet();
        await cluster.RestartAsync();

        // Nobody addresses the sweep: the silo's start-up task wakes it, and it launches trial 3 on a slot by itself.
        var scheduler = cluster.Client.GetGrain<ISchedulerGrain>(0);
        await Eventually.True(async () => (await scheduler.GetSnapshot()).Slots.Any(s => s.ExperimentId is { } e && !cutOff.Contains(e)),
            60, () => "no slot was leased after the restart: the unfinished sweep was not woken");

        await Eventually.True(async () =>
        {
            sweep = await cluster.Client.GetGrain<ISweepGrain>(id).GetStatus();
            return sweep.Trials.Count == 3 && sweep.Trials[2].Status == TrialStatus.Running;
        }, 60, () => $"the sweep did not go on after the restart; last seen {sweep}");
        Assert.All(sweep!.Trials.Take(2), t =>
        {
            Assert.Equal(TrialStatus.Failed, t.Status);
            Assert.Equal(ExperimentGrain.HostRestartedReason, t.Reason);
        });
        Assert.Equal(SweepPhase.Running, sweep.Phase);

        await cluster.Client.GetGrain<ISweepGrain>(id).Cancel();
        await Eventually.True(async () => (sweep = await cluster.Client.GetGrain<ISweepGrain>(id).GetStatus()).Trials[2].Status == TrialStatus.Cancelled,
            60, () => $"the last trial was not cancelled; last seen {sweep}");
    }
}
