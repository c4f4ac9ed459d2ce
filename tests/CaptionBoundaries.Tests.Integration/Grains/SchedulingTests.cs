using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Grains.Experiments;
using CaptionBoundaries.Infrastructure.Tracking;
using CaptionBoundaries.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CaptionBoundaries.Tests.Grains;

public sealed class SchedulingTests(SchedulingClusterFixture fixture) : IClassFixture<SchedulingClusterFixture>
{
    private GrainCluster C => fixture.Cluster;

    // Long enough to still be running when the test looks; every such run is cancelled before the test ends.
    private const int LongEpochs = 2000;

    [Fact]
    public async Task TwoSlotsRunTwoExperimentsWhileTheOthersWaitInSubmissionOrder()
    {
        var a = await C.SubmitAsync(C.Spec("fifo-a", LongEpochs));
        var b = await C.SubmitAsync(C.Spec("fifo-b", LongEpochs));
        var c = await C.SubmitAsync(C.Spec("fifo-c", LongEpochs));
        var d = await C.SubmitAsync(C.Spec("fifo-d", LongEpochs));

        var snapshot = await C.Scheduler.GetSnapshot();
        Assert.Equal([c.Id, d.Id], snapshot.Queue);
        Assert.Equal([GrainCluster.Slot(0), GrainCluster.Slot(1)], snapshot.Slots.Select(s => s.Name));
        Assert.Equal([a.Id, b.Id], snapshot.Slots.Select(s => s.ExperimentId!.Value));
        Assert.All(snapshot.Slots, s => Assert.Equal("cpu", s.Device));
        var runningA = await C.WaitForPhase(a.Id, ExperimentStatus.Running);
        Assert.Equal(GrainCluster.Slot(0), runningA.Slot);
        Assert.Equal(ExperimentStatus.Running, (await C.Experiment(b.Id).GetInfo()).Phase);
        Assert.Equal(ExperimentStatus.Queued, (await C.Experiment(c.Id).GetInfo()).Phase);
        Assert.Equal(ExperimentStatus.Queued, await Status(d.Id));

        // Both runs make progress at the same time, each on its own slot.
        await Eventually.True(async () => (await C.Experiment(a.Id).GetInfo()).EpochsDone >= 1 && (await C.Experiment(b.Id).GetInfo()).EpochsDone >= 1,
            60, () => "both running experiments should finish an epoch");

        // Cancelling a running experiment frees its slot for the oldest queued one (c, not d).
        await C.Experiment(a.Id).Cancel();
        await C.WaitForPhase(a.Id, ExperimentStatus.Cancelled);
        var runningC = await C.WaitForPhase(c.Id, ExperimentStatus.Running);
        Assert.Equal(GrainCluster.Slot(0), runningC.Slot);
        Assert.Equal([d.Id], (await C.Scheduler.GetSnapshot()).Queue);

        // Cancelling a queued experiment takes it off the queue at once; it never starts.
        var cancelledD = await C.Experiment(d.Id).Cancel();
        Assert.Equal(ExperimentStatus.Cancelled, cancelledD.Phase);
        Assert.Empty((await C.Scheduler.GetSnapshot()).Queue);

        await C.Experiment(b.Id).Cancel();
        await C.Experiment(c.Id).Cancel();
        await WaitForAllSlotsFree();

        var rows = await C.QueryDb(db => db.Experiments.Where(e => new[] { a.Id, b.Id, c.Id, d.Id }.Contains(e.Id)).ToDictionaryAsync(e => e.Id));
        Assert.All(rows.Values, e => Assert.Equal(ExperimentStatus.Cancelled, e.Status));
        Assert.NotNull(rows[a.Id].StartedAtUtc);
        Assert.Null(rows[d.Id].StartedAtUtc);
        Assert.Equal(ExperimentGrain.CancelledReason, rows[d.Id].FailureReason);
        Assert.Equal(ExperimentStatus.Cancelled, (await C.Experiment(d.Id).GetInfo()).Phase);
    }

    [Fact]
    public async Task AnExperimentGoesQueuedRunningCompletedAndObserversGetEachEpochAsItHappens()
    {
        var id = Guid.NewGuid();
        var observer = new RecordingObserver();
        var reference = C.Client.CreateObjectReference<IExperimentObserver>(observer);
        await C.Experiment(id).Subscribe(reference);

        var submitted = await C.Experiment(id).Submit(C.Spec("lifecycle", 3));
        Assert.Equal("lifecycle", submitted.Name);
        var done = await C.WaitForPhase(id, ExperimentStatus.Completed);
        await Eventually.True(() => Task.FromResult(observer.Phases.Contains(ExperimentStatus.Completed)), 10,
            () => $"observer saw phases {string.Join(",", observer.Phases)}");

        Assert.Equal([ExperimentStatus.Queued, ExperimentStatus.Running, ExperimentStatus.Completed], observer.Phases.ToArray());
        Assert.Equal([1, 2, 3], observer.Epochs.Select(e => e.Metrics.Epoch));
        // Each epoch arrived while the run was still going, not as a batch at the end.
        Assert.All(observer.Epochs, e => Assert.Equal(ExperimentStatus.Running, e.PhaseBefore));
        Assert.All(observer.Epochs, e => Assert.Equal(5, e.Metrics.PerClassF1.Length));

        Assert.Equal(3, done.EpochsDone);
        Assert.Equal(3, done.Epochs);
        Assert.NotNull(done.StartedAtUtc);
        Assert.NotNull(done.FinishedAtUtc);
        Assert.True(File.Exists(done.BestCheckpoint), $"best checkpoint {done.BestCheckpoint} should exist");
        var row = await C.QueryDb(db => db.Experiments.Include(e => e.Epochs).SingleAsync(e => e.Id == id));
        Assert.Equal(ExperimentStatus.Completed, row.Status);
        Assert.Equal(3, row.Epochs.Count);
        Assert.Equal(row.BestValMacroF1, done.BestValMacroF1);
        Assert.Equal(observer.Epochs.Select(e => e.Metrics.TrainLoss), row.Epochs.OrderBy(e => e.Epoch).Select(e => e.TrainLoss));
        // The per-step train loss reached the observers too, as the runner recorded it (run metrics at their global steps).
        var recorded = await C.QueryDb(db => db.RunMetrics.Where(m => m.ExperimentId == id).OrderBy(m => m.Step).Select(m => new { m.Step, m.Value }).ToListAsync());
        Assert.NotEmpty(recorded);
        var streamed = observer.Steps.SelectMany(s => s.Points).ToList();
        Assert.All(observer.Steps, s => Assert.Equal(id, s.ExperimentId));
        Assert.NotEmpty(streamed);
        Assert.All(streamed, p => Assert.Contains(recorded, r => r.Step == p.Step && r.Value == p.Loss));
        await WaitForAllSlotsFree();
        await C.Experiment(id).Unsubscribe(reference);
    }

    [Fact]
    public async Task AFailingRunIsRecordedWithItsReasonAndItsSlotGoesToTheNextInQueue()
    {
        // The manifest passes the identity check but one image is unreadable: the run fails after it started.
        using var broken = new TempFolder();
        TestPaths.CopyFolder(C.DatasetFolder, broken.Path);
        var image = Directory.EnumerateFiles(broken.Combine("images"), "*.png").First();
        File.WriteAllBytes(image, [1, 2, 3, 4]);

        var longRun = await C.SubmitAsync(C.Spec("occupies-a-slot", LongEpochs));
        var failing = await C.SubmitAsync(C.Spec("broken-data", 1, broken.Path));
        var next = await C.SubmitAsync(C.Spec("after-the-failure", LongEpochs));

        var failed = await C.WaitForPhase(failing.Id, ExperimentStatus.Failed);
        Assert.Contains(Path.GetFileName(image), failed.FailureReason);
        var nextRunning = await C.WaitForPhase(next.Id, ExperimentStatus.Running);
        Assert.Equal(failed.Slot, nextRunning.Slot);
        var row = await C.QueryDb(db => db.Experiments.SingleAsync(e => e.Id == failing.Id));
        Assert.Equal(ExperimentStatus.Failed, row.Status);
        Assert.Equal(failed.FailureReason, row.FailureReason);

        await C.Experiment(longRun.Id).Cancel();
        await C.Experiment(next.Id).Cancel();
        await WaitForAllSlotsFree();
    }

    [Fact]
    public async Task ASubmissionThatCannotRunIsRefusedAndNeverQueued()
    {
        // Field rules (batch size, epochs, paths) are checked where a spec enters (the request's validator, ApiTests;
        // a sweep's trials, SweepGrain); the grain refuses what cannot be resolved into a run.
        var id = Guid.NewGuid();
        var unknown = await Refused.As(DomainErrorKind.Invalid, () => C.Experiment(id).Submit(C.Spec("unknown", 1) with { Architecture = "resnet_9000" }));
        Assert.Contains("resnet_9000", unknown.Message);
        Assert.DoesNotContain(id, (await C.Scheduler.GetSnapshot()).Queue);
        Assert.False(await C.QueryDb(db => db.Experiments.AnyAsync(e => e.Id == id)));
    }

    private Task<ExperimentStatus> Status(Guid id) => C.QueryDb(db => db.Experiments.Where(e => e.Id == id).Select(e => e.Status).SingleAsync());

    private async Task WaitForAllSlotsFree()
    {
        SchedulerSnapshot? last = null;
        await Eventually.True(async () => (last = await C.Scheduler.GetSnapshot()).Slots.All(s => s.ExperimentId is null) && last.Queue.Count == 0,
            60, () => $"slots still leased: {string.Join(", ", last!.Slots)}");
    }
}
