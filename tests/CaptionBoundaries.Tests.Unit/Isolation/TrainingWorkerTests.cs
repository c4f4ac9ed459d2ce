using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Tracking;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Domain.Training.Isolation;
using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Training.Isolation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace CaptionBoundaries.Tests.Isolation;

/// <summary>
/// The supervisor on its own, with small shell scripts as workers (they speak the same protocol on stdin and stdout):
/// crashes, signals, stops that are or are not honoured, an epoch answered with stop, a hang. Each ending says how the
/// worker went and whether the run's row still needs it.
/// </summary>
public sealed class TrainingWorkerTests
{
    private static readonly WorkerRequest Request = new(Guid.NewGuid(), new RunSpec { Name = "n", DatasetFolder = "d", Architecture = "a" }, "cpu");

    private static TrainingOptions Options(TimeSpan? progressTimeout = null, TimeSpan? grace = null, long memory = 64 * ByteSize.GiB) =>
        new(memory, TrainingIsolation.Process, null, progressTimeout ?? TimeSpan.FromMinutes(1), grace ?? TimeSpan.FromSeconds(30));

    /// <summary>A worker that runs <paramref name="script"/> in sh (the request line is still to be read from stdin).</summary>
    private static TrainingWorker Worker(string script, TrainingOptions options) =>
        new(new WorkerLaunch("/bin/sh", ["-c", script]), options, new ConfigurationBuilder().Build(), NullLogger.Instance);

    private static Task<bool> Continue(EpochMetrics _, string? __) => Task.FromResult(true);

    private const string Heartbeat = "echo '@cb-worker {\"type\":\"Heartbeat\"}'";

    [Fact]
    public async Task A_worker_that_exits_with_an_error_is_a_failure_with_its_exit_code_and_the_tail_of_its_stderr()
    {
        var ending = await Worker("read request; echo 'native library failed to load' >&2; exit 3", Options()).RunAsync(Request, Continue);

        Assert.False(ending.WrittenByWorker);
        Assert.Equal(ExperimentStatus.Failed, ending.Outcome.Phase);
        Assert.Equal("the training worker crashed: exit code 3; stderr: native library failed to load", ending.Outcome.FailureReason);
    }

    [Fact]
    public async Task A_worker_killed_by_a_signal_is_a_failure_naming_the_signal()
    {
        var ending = await Worker("read request; echo 'segfault in a kernel' >&2; kill -SEGV $$", Options()).RunAsync(Request, Continue);

        Assert.Equal(ExperimentStatus.Failed, ending.Outcome.Phase);
        Assert.StartsWith("the training worker crashed: exit code 139 (signal 11, SIGSEGV); stderr: segfault in a kernel", ending.Outcome.FailureReason);
    }

    [Fact]
    public async Task A_worker_that_reports_its_ending_wrote_it_itself()
    {
        var ending = await Worker(
            """read request; echo "$request" >&2; echo '@cb-worker {"type":"Ended","outcome":{"phase":"Completed","bestValMacroF1":0.5,"bestCheckpoint":"/b.pt"}}'""",
            Options()).RunAsync(Request, Continue);

        Assert.True(ending.WrittenByWorker);
        Assert.Equal(new RunOutcome(ExperimentStatus.Completed, 0.5, "/b.pt", null), ending.Outcome);
    }

    [Fact]
    public async Task An_epoch_the_experiment_refuses_is_answered_with_stop_and_other_epochs_with_continue()
    {
        var epochs = new List<int>();
        var ending = await Worker("""
            read request
            echo '@cb-worker {"type":"Epoch","metrics":{"experimentId":"00000000-0000-0000-0000-000000000001","epoch":1,"perClassF1":[]}}'
            read first
            echo '@cb-worker {"type":"Epoch","metrics":{"experimentId":"00000000-0000-0000-0000-000000000001","epoch":2,"perClassF1":[]}}'
            read second
            echo "@cb-worker {\"type\":\"Ended\",\"outcome\":{\"phase\":\"Cancelled\",\"failureReason\":\"$first then $second\"}}"
            """, Options()).RunAsync(Request, (metrics, _) =>
        {
            epochs.Add(metrics.Epoch);
            return Task.FromResult(metrics.Epoch < 2);
        });

        Assert.Equal([1, 2], epochs);
        Assert.True(ending.WrittenByWorker);
        Assert.Equal("continue then stop", ending.Outcome.FailureReason);
    }

    [Fact]
    public async Task A_worker_that_ignores_a_stop_is_killed_after_the_grace_period_and_the_run_is_cancelled()
    {
        var worker = Worker($"read request; {Heartbeat}; trap '' TERM; while true; do sleep 1; done", Options(grace: TimeSpan.FromSeconds(1)));
        var run = worker.RunAsync(Request, Continue);
        await Task.Delay(200); // let it start; the stop is what is tested, whenever it arrives
        worker.RequestStop();

        var ending = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(ending.WrittenByWorker);
        Assert.Equal(new RunOutcome(ExperimentStatus.Cancelled, null, null, "cancelled by the user"), ending.Outcome);
    }

    [Fact]
    public async Task A_worker_that_makes_no_progress_is_killed_by_the_watchdog_and_fails_saying_so()
    {
        var ending = await Worker($"read request; {Heartbeat}; while true; do sleep 1; done", Options(progressTimeout: TimeSpan.FromSeconds(1)))
            .RunAsync(Request, Continue).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(ending.WrittenByWorker);
        Assert.Equal(ExperimentStatus.Failed, ending.Outcome.Phase);
        Assert.StartsWith("no progress for 1 s", ending.Outcome.FailureReason);
    }

    [Fact]
    public async Task A_worker_past_its_memory_limit_is_killed_and_fails_with_what_it_used()
    {
        // sh itself is well above 64 KiB resident: the limit is passed as soon as it is watched.
        var ending = await Worker($"read request; {Heartbeat}; while true; do sleep 1; done", Options(memory: 64 * ByteSize.KiB))
            .RunAsync(Request, Continue).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExperimentStatus.Failed, ending.Outcome.Phase);
        Assert.Matches(@"^used [\d.]+ (KiB|MiB), limit 64 KiB", ending.Outcome.FailureReason);
    }

    [Fact]
    public async Task A_worker_that_cannot_be_started_is_a_failure_naming_the_command()
    {
        var ending = await new TrainingWorker(new WorkerLaunch("/no/such/caption-boundaries", []), Options(), new ConfigurationBuilder().Build(), NullLogger.Instance)
            .RunAsync(Request, Continue);

        Assert.False(ending.WrittenByWorker);
        Assert.StartsWith("could not start the training worker '/no/such/caption-boundaries'", ending.Outcome.FailureReason);
    }
}
