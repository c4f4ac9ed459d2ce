using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Grains.Experiments;
using CaptionBoundaries.Tests.Grains;

namespace CaptionBoundaries.Tests.Sweeps;

public sealed class SweepRestartTests
{
    [Fact]
    public async Task AfterAHostRestartTheCutOffTrialsResumeAndTheSweepLaunchesTheNextOneWhenASlotFrees()
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

        var cutOff = sweep!.Trials.Select(t => t.ExperimentId).ToList();
        await cluster.RestartAsync();

        // The cut-off trials resume on the node's slots from their last checkpoint; the sweep goes on waiting for them.
        foreach (var trial in cutOff)
        {
            ExperimentInfo? info = null;
            await Eventually.True(async () => (info = await cluster.Client.GetGrain<IExperimentGrain>(trial).GetInfo()) is
            { Phase: ExperimentStatus.Running, Preemptions.Count: 1 }, 60, () => $"trial {trial} did not resume; last seen {info}");
            Assert.Equal(ExperimentGrain.ClusterActor, info!.Preemptions[0].By);
        }

        // Nobody addresses the sweep: the silo's start-up task woke it, so when a slot frees it launches trial 3 by itself.
        await cluster.Client.GetGrain<IExperimentGrain>(cutOff[0]).Cancel();
        await Eventually.True(async () =>
        {
            sweep = await cluster.Client.GetGrain<ISweepGrain>(id).GetStatus();
            return sweep.Trials.Count == 3 && sweep.Trials[2].Status == TrialStatus.Running;
        }, 60, () => $"the sweep did not go on after the restart; last seen {sweep}");
        Assert.Equal(TrialStatus.Cancelled, sweep!.Trials[0].Status);
        Assert.Equal(TrialStatus.Running, sweep.Trials[1].Status);
        Assert.Equal(SweepPhase.Running, sweep.Phase);

        await cluster.Client.GetGrain<ISweepGrain>(id).Cancel();
        await Eventually.True(async () => (sweep = await cluster.Client.GetGrain<ISweepGrain>(id).GetStatus()).Trials.All(t => t.Status == TrialStatus.Cancelled),
            60, () => $"the trials were not cancelled; last seen {sweep}");
    }
}
