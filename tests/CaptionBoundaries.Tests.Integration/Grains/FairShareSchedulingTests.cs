using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Tests.Grains;

/// <summary>
/// Per-user quotas, the fair-share order and pre-emption on a real two-slot cluster. Each test uses user names of its
/// own (the scheduler's usage ledger outlives a test) and leaves every slot free.
/// </summary>
public sealed class FairShareSchedulingTests(SchedulingClusterFixture fixture) : IClassFixture<SchedulingClusterFixture>
{
    private GrainCluster C => fixture.Cluster;

    // Long enough to still be running when the test looks; every such run is cancelled before the test ends.
    private const int LongEpochs = 2000;

    // A run of about a second on the tiny CNN.
    private const int ShortEpochs = 4;

    private static string User(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    private Task<(Guid Id, ExperimentInfo Info)> Submit(string owner, string name, int epochs) =>
        C.SubmitAsync(C.Spec(name, epochs) with { Owner = owner });

    [Fact]
    public async Task ThreeUsersOnTwoSlots_AliceAtQuotaOneRunsOneAtATimeAndBobAndCarolStartBeforeHerSecondRun()
    {
        var (alice, bob, carol) = (User("alice"), User("bob"), User("carol"));
        var quota = await C.Scheduler.SetQuota(alice, 1);
        Assert.Equal((1, "override"), (quota.Quota, quota.QuotaSource));

        // Alice's first run and bob's hold the slots until the test lets them go, so the queue is seen as submitted.
        var aliceRuns = new List<Guid> { (await Submit(alice, "quota-alice-0", LongEpochs)).Id };
        for (var i = 1; i < 4; i++) aliceRuns.Add((await Submit(alice, $"quota-alice-{i}", ShortEpochs)).Id);
        var bobRun = (await Submit(bob, "quota-bob", LongEpochs)).Id;
        var carolRun = (await Submit(carol, "quota-carol", ShortEpochs)).Id;

        // Alice's later runs waited although a slot was free when they came: she is at her quota. Bob's run took that slot.
        var snapshot = await C.Scheduler.GetSnapshot();
        Assert.Equal([aliceRuns[0], bobRun], snapshot.Slots.Select(s => s.ExperimentId!.Value));
        Assert.Equal([aliceRuns[1], aliceRuns[2], aliceRuns[3], carolRun], snapshot.Queue);
        Assert.Equal([alice, alice, alice, carol], snapshot.QueuedRuns.Select(r => r.Owner));
        var aliceShare = Assert.Single(snapshot.Users, u => u.User == alice);
        Assert.Equal((1, 3, 1), (aliceShare.Running, aliceShare.Queued, aliceShare.Quota));
        Assert.Contains(snapshot.Users, u => u.User == carol && u is { Running: 0, Queued: 1 });

        // Alice's slot frees: carol, behind three of alice's runs but with no recent usage, gets it.
        await C.Experiment(aliceRuns[0]).Cancel();
        await C.WaitForPhase(carolRun, ExperimentStatus.Running);
        Assert.Equal(ExperimentStatus.Queued, (await C.Experiment(aliceRuns[1]).GetInfo()).Phase);
        // Bob's slot frees: alice's runs follow, one at a time, on whichever slot is free.
        await C.Experiment(bobRun).Cancel();

        foreach (var id in aliceRuns.Skip(1).Append(carolRun)) await C.WaitForPhase(id, ExperimentStatus.Completed, 120);
        var infos = new Dictionary<Guid, ExperimentInfo>();
        foreach (var id in aliceRuns.Append(bobRun).Append(carolRun)) infos[id] = await C.Experiment(id).GetInfo();

        // Never two of alice's runs at once: each starts after the previous one finished, in submission order.
        var aliceInfos = aliceRuns.Select(id => infos[id]).ToList();
        for (var i = 1; i < aliceInfos.Count; i++)
            Assert.True(aliceInfos[i].StartedAtUtc >= aliceInfos[i - 1].FinishedAtUtc,
                $"alice run {i} started {aliceInfos[i].StartedAtUtc:O} before run {i - 1} finished {aliceInfos[i - 1].FinishedAtUtc:O}");
        // Bob and carol did not wait behind alice's backlog.
        Assert.True(infos[bobRun].StartedAtUtc < aliceInfos[1].StartedAtUtc);
        Assert.True(infos[carolRun].StartedAtUtc < aliceInfos[1].StartedAtUtc,
            $"carol started {infos[carolRun].StartedAtUtc:O}, alice's second run {aliceInfos[1].StartedAtUtc:O}");
        Assert.All(aliceInfos.Skip(1).Append(infos[carolRun]), i => Assert.Equal(ShortEpochs, i.EpochsDone));
        Assert.Equal(alice, infos[aliceRuns[0]].Owner);
        await WaitForAllSlotsFree();

        // Finished leases are charged to their owners: at least the time each of their runs held a slot (a lease starts
        // just before its run and ends just after; the 6 h half-life takes next to nothing off within the test).
        var users = (await C.Scheduler.GetSnapshot()).Users.ToDictionary(u => u.User, u => u.RecentSlotSeconds);
        double Ran(IEnumerable<ExperimentInfo> runs) => runs.Sum(i => (i.FinishedAtUtc!.Value - i.StartedAtUtc!.Value).TotalSeconds);
        Assert.True(users[alice] >= 0.99 * Ran(aliceInfos) - 0.01, $"alice charged {users[alice]} s for {Ran(aliceInfos)} s of runs");
        Assert.True(users[carol] >= 0.99 * Ran([infos[carolRun]]) - 0.01, $"carol charged {users[carol]} s for {Ran([infos[carolRun]])} s");
        Assert.True(users[bob] >= 0.99 * Ran([infos[bobRun]]) - 0.01, $"bob charged {users[bob]} s for {Ran([infos[bobRun]])} s");
        Assert.True(users[bob] > 0);
    }

    [Fact]
    public async Task WithEqualQuotasALaterRunOfAUserWithLessRecentUsageStartsBeforeTheQueuedRunOfAHeavyUser()
    {
        var (alice, bob, carol) = (User("alice"), User("bob"), User("carol"));
        // Alice has used slot time recently; bob has not.
        var warmUp = await Submit(alice, "usage-alice-warm-up", ShortEpochs);
        await C.WaitForPhase(warmUp.Id, ExperimentStatus.Completed, 120);

        // Carol holds both slots, so the next two runs queue: alice's first, bob's after it.
        var carol1 = await Submit(carol, "usage-carol-1", LongEpochs);
        var carol2 = await Submit(carol, "usage-carol-2", LongEpochs);
        var aliceRun = await Submit(alice, "usage-alice", LongEpochs);
        var bobRun = await Submit(bob, "usage-bob", LongEpochs);
        var snapshot = await C.Scheduler.GetSnapshot();
        Assert.Equal([aliceRun.Id, bobRun.Id], snapshot.Queue);
        var users = snapshot.Users.ToDictionary(u => u.User);
        Assert.True(users[alice].RecentSlotSeconds > 0, $"alice's usage {users[alice].RecentSlotSeconds}");
        Assert.Equal(0, users[bob].RecentSlotSeconds);
        Assert.Equal((2, 2), (users[alice].Quota, users[bob].Quota));

        // A slot frees: bob, submitted later but with less recent usage, gets it.
        await C.Experiment(carol1.Id).Cancel();
        var bobRunning = await C.WaitForPhase(bobRun.Id, ExperimentStatus.Running);
        Assert.Equal(ExperimentStatus.Queued, (await C.Experiment(aliceRun.Id).GetInfo()).Phase);
        Assert.Equal([aliceRun.Id], (await C.Scheduler.GetSnapshot()).Queue);

        // The next free slot is alice's turn.
        await C.Experiment(carol2.Id).Cancel();
        await C.WaitForPhase(aliceRun.Id, ExperimentStatus.Running);
        Assert.NotEqual(bobRunning.Slot, (await C.Experiment(aliceRun.Id).GetInfo()).Slot);

        await C.Experiment(aliceRun.Id).Cancel();
        await C.Experiment(bobRun.Id).Cancel();
        await WaitForAllSlotsFree();
    }

    [Fact]
    public async Task AQuotaChangedAtRunTimeTakesEffectAtOnce()
    {
        var dave = User("dave");
        await C.Scheduler.SetQuota(dave, 1);
        var first = await Submit(dave, "quota-change-1", LongEpochs);
        var second = await Submit(dave, "quota-change-2", LongEpochs);

        // A free slot stays free rather than break the quota.
        var before = await C.Scheduler.GetSnapshot();
        Assert.Single(before.Slots, s => s.ExperimentId is null);
        Assert.Equal([second.Id], before.Queue);

        var raised = await C.Scheduler.SetQuota(dave, 2);
        Assert.Equal((2, "override", 2, 0), (raised.Quota, raised.QuotaSource, raised.Running, raised.Queued));
        await C.WaitForPhase(second.Id, ExperimentStatus.Running);

        // Lowering the quota holds back new starts but stops nothing that runs.
        var lowered = await C.Scheduler.SetQuota(dave, 1);
        Assert.Equal((1, 2), (lowered.Quota, lowered.Running));
        Assert.Equal(ExperimentStatus.Running, (await C.Experiment(first.Id).GetInfo()).Phase);

        // Removing the override returns to the default: every slot.
        var reset = await C.Scheduler.SetQuota(dave, null);
        Assert.Equal((2, "default"), (reset.Quota, reset.QuotaSource));
        await Refused.As(DomainErrorKind.Invalid, () => C.Scheduler.SetQuota(dave, 0));

        await C.Experiment(first.Id).Cancel();
        await C.Experiment(second.Id).Cancel();
        await WaitForAllSlotsFree();
    }

    [Fact]
    public async Task APreemptedRunRequeuesGivesUpItsSlotAndResumesFromItsCheckpointToCompletion()
    {
        var (erin, frank, gina) = (User("erin"), User("frank"), User("gina"));
        const int epochs = 16;
        var id = Guid.NewGuid();
        var observer = new RecordingObserver();
        var reference = C.Client.CreateObjectReference<IExperimentObserver>(observer);
        await C.Experiment(id).Subscribe(reference);
        await C.Experiment(id).Submit(C.Spec("preempted", epochs) with { Owner = erin });
        var other = await Submit(frank, "preempt-other-slot", LongEpochs);
        await Eventually.True(async () => (await C.Experiment(id).GetInfo()).EpochsDone >= 1, 60, () => "the run should finish an epoch");
        var waiting = await Submit(gina, "preempt-waiting", 2);
        Assert.Equal([waiting.Id], (await C.Scheduler.GetSnapshot()).Queue);

        await Refused.As(DomainErrorKind.Conflict, () => C.Experiment(waiting.Id).Preempt("admin-ann", "not running"));
        await C.Experiment(id).Preempt("admin-ann", "gina's run is urgent");

        // The waiting run takes the freed slot and completes; then the pre-empted one resumes and completes.
        var waited = await C.WaitForPhase(waiting.Id, ExperimentStatus.Completed);
        var done = await C.WaitForPhase(id, ExperimentStatus.Completed, 120);
        var preemption = Assert.Single(done.Preemptions);
        Assert.Equal(("admin-ann", "gina's run is urgent"), (preemption.By, preemption.Reason));
        Assert.Equal(preemption.Slot, waited.Slot);
        Assert.True(preemption.CheckpointEpoch >= 1, $"checkpoint epoch {preemption.CheckpointEpoch}");
        Assert.True(preemption.CheckpointEpoch < epochs);
        Assert.Equal(preemption.EpochsDone, preemption.CheckpointEpoch);
        Assert.EndsWith("last.pt", preemption.ResumeFrom);
        Assert.Equal(epochs, done.EpochsDone);
        Assert.Equal(erin, done.Owner);

        // One row, epochs 1..N once each: up to the checkpoint before the waiting run started, the rest after it ended.
        var row = await C.QueryDb(db => db.Experiments.Include(e => e.Epochs).SingleAsync(e => e.Id == id));
        Assert.Equal(CaptionBoundaries.Domain.Tracking.ExperimentStatus.Completed, row.Status);
        var recorded = row.Epochs.OrderBy(e => e.Epoch).Select(e => e.Epoch).ToList();
        Assert.True(Enumerable.Range(1, epochs).SequenceEqual(recorded), $"recorded epochs {string.Join(",", recorded)}; {preemption}");
        var k = preemption.CheckpointEpoch!.Value;
        Assert.All(row.Epochs.Where(e => e.Epoch <= k), e => Assert.True(e.RecordedAtUtc < waited.StartedAtUtc, $"epoch {e.Epoch}"));
        Assert.All(row.Epochs.Where(e => e.Epoch > k), e => Assert.True(e.RecordedAtUtc > waited.FinishedAtUtc, $"epoch {e.Epoch}"));

        // Watchers saw the run go back to the queue and every epoch exactly once.
        await Eventually.True(() => Task.FromResult(observer.Epochs.Count >= epochs), 10, () => $"observer saw {observer.Epochs.Count} epochs");
        // Each epoch exactly once (notifications are one-way messages, so only their set is compared).
        var seen = observer.Epochs.Select(e => e.Metrics.Epoch).ToList();
        Assert.True(Enumerable.Range(1, epochs).SequenceEqual(seen.Order()), $"observer saw epochs {string.Join(",", seen)}; {preemption}");
        Assert.Contains(ExperimentStatus.Queued, observer.Phases.SkipWhile(p => p != ExperimentStatus.Running));

        await C.Experiment(other.Id).Cancel();
        await WaitForAllSlotsFree();
        await C.Experiment(id).Unsubscribe(reference);
    }

    private async Task WaitForAllSlotsFree()
    {
        SchedulerSnapshot? last = null;
        await Eventually.True(async () => (last = await C.Scheduler.GetSnapshot()).Slots.All(s => s.ExperimentId is null) && last.Queue.Count == 0,
            60, () => $"slots still leased: {string.Join(", ", last!.Slots)}");
    }
}
