using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Tests.Plugins;

namespace CaptionBoundaries.Tests.Infrastructure;

/// <summary>The shared loop of every background service: a failing iteration is logged and the next one runs; only stopping ends it.</summary>
public sealed class BackgroundLoopTests
{
    [Fact]
    public async Task AThrowingIterationIsLoggedAndTheNextOneRuns()
    {
        var logger = new ListLogger<BackgroundLoopTests>();
        using var stop = new CancellationTokenSource();
        var iterations = 0;
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = BackgroundLoop.RunUntilStoppedAsync("test loop", logger, async ct =>
        {
            await Task.Yield();
            var n = Interlocked.Increment(ref iterations);
            if (n <= 2) throw new InvalidOperationException($"iteration {n} broke");
            third.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }, stop.Token, pauseAfterFailure: TimeSpan.FromMilliseconds(10));

        await third.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(loop.IsCompleted);
        Assert.Equal(2, logger.Lines.Count(l => l.StartsWith("Error: test loop failed")));

        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30)); // ends without throwing
        Assert.Equal(3, iterations);
        Assert.Equal(2, logger.Lines.Count);
    }

    [Fact]
    public async Task RunOnceAnswersTheFailureAndStoppingIsNotOne()
    {
        var logger = new ListLogger<BackgroundLoopTests>();
        var failure = await BackgroundLoop.RunOnceAsync("one", logger, _ => throw new TimeoutException("slow"), CancellationToken.None);
        Assert.IsType<TimeoutException>(failure);

        // A TaskCanceledException that is not the host stopping (an HttpClient timeout) is a failure like any other...
        var timeout = await BackgroundLoop.RunOnceAsync("two", logger, _ => throw new TaskCanceledException("HttpClient.Timeout"), CancellationToken.None);
        Assert.IsType<TaskCanceledException>(timeout);

        // ...while cancellation because the host stops is not.
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();
        Assert.Null(await BackgroundLoop.RunOnceAsync("three", logger, ct => Task.Delay(1000, ct), stopped.Token));
        Assert.Equal(2, logger.Lines.Count);
    }
}
