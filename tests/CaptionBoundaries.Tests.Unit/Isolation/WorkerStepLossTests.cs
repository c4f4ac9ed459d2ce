using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Domain.Training.Isolation;
using CaptionBoundaries.Infrastructure.Training.Isolation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace CaptionBoundaries.Tests.Isolation;

/// <summary>
/// Step losses from a worker process reach its supervisor's callback (and from there the experiment grain), in the line
/// format the worker writes them in; they answer nothing and count as progress.
/// </summary>
public sealed class WorkerStepLossTests
{
    [Fact]
    public async Task Step_losses_a_worker_writes_are_handed_over_as_they_come()
    {
        var points = new[]
        {
            new StepLoss(10, 1, 1.25, 0.001, 3.5, null, 1_700_000_000_000),
            new StepLoss(20, 2, 0.75, 0.0005, 2.0, 1.0, 1_700_000_000_500),
        };
        // Exactly what worker-run prints (WorkerProtocol.Line), in two batches, then the ending.
        var first = WorkerProtocol.Line(new WorkerMessage(WorkerMessageType.Steps) { Steps = [points[0]] });
        var second = WorkerProtocol.Line(new WorkerMessage(WorkerMessageType.Steps) { Steps = [points[1]] });
        var script = $$$"""
            read request
            printf '%s\n' '{{{first}}}'
            printf '%s\n' '{{{second}}}'
            echo '@cb-worker {"type":"Ended","outcome":{"phase":"Completed"}}'
            """;
        var received = new List<StepLoss>();
        var worker = new TrainingWorker(new WorkerLaunch("/bin/sh", ["-c", script]),
            new TrainingOptions(long.MaxValue, TrainingIsolation.Process, null, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30)),
            new ConfigurationBuilder().Build(), NullLogger.Instance);

        var ending = await worker.RunAsync(new WorkerRequest(Guid.NewGuid(), new RunSpec { Name = "n", DatasetFolder = "d", Architecture = "a" }, "cpu"),
            (_, _) => Task.FromResult(true),
            steps =>
            {
                received.AddRange(steps);
                return Task.CompletedTask;
            }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(ending.WrittenByWorker);
        Assert.Equal(points, received);
    }
}
