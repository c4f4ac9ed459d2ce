using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Tests.Grains;

namespace CaptionBoundaries.Tests.Infrastructure;

/// <summary>Finding 10 (expensive reads): bounded concurrency, a bounded wait, and repeated requests answered from memory.</summary>
public class ExpensiveReadsTests
{
    [Fact]
    public async Task At_most_the_configured_number_run_at_once_a_bounded_number_wait_and_the_rest_are_told_to_retry()
    {
        using var gate = new ExpensiveReads(new LimitsOptions { ExpensiveReadsConcurrency = 2, ExpensiveReadsQueue = 1 });
        var release = new TaskCompletionSource();
        var running = 0;
        var peak = 0;
        async Task<int> Work(CancellationToken _)
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await release.Task;
            Interlocked.Decrement(ref running);
            return now;
        }

        var admitted = Enumerable.Range(0, 3).Select(_ => gate.RunAsync(null, Work, CancellationToken.None)).ToList();
        await Eventually.True(() => Task.FromResult(Volatile.Read(ref running) == 2), 10, () => "two reads should be running");
        // Two running and one waiting fill the gate: the fourth is refused at once, without waiting.
        var refused = await Assert.ThrowsAsync<ServerBusyException>(() => gate.RunAsync(null, Work, CancellationToken.None));
        Assert.Contains("retry", refused.Message);

        release.SetResult();
        await Task.WhenAll(admitted);
        Assert.Equal(2, peak);
        Assert.Equal(3, gate.Computed);
    }

    [Fact]
    public async Task A_result_asked_for_again_is_answered_from_memory_and_concurrent_askers_share_one_computation()
    {
        using var gate = new ExpensiveReads(new LimitsOptions { ExpensiveReadsConcurrency = 1, ExpensiveReadsQueue = 8 });
        var computations = 0;
        async Task<string> Work(CancellationToken _)
        {
            Interlocked.Increment(ref computations);
            await Task.Yield();
            return "heatmaps";
        }

        var together = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => gate.RunAsync("cell/a", Work, CancellationToken.None)));
        Assert.All(together, r => Assert.Equal("heatmaps", r));
        Assert.Equal("heatmaps", await gate.RunAsync("cell/a", Work, CancellationToken.None));
        Assert.Equal(1, computations);

        await gate.RunAsync("cell/b", Work, CancellationToken.None);
        Assert.Equal(2, computations);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
