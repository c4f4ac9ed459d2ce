using System.Diagnostics;

namespace CaptionBoundaries.Tests.Grains;

/// <summary>Polls a condition until it holds or the time is up: the waits are bounds, never the assertion.</summary>
public static class Eventually
{
    public static async Task True(Func<Task<bool>> condition, int seconds, Func<string> describeFailure)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition()) return;
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
                Assert.Fail($"Timed out after {seconds} s: {describeFailure()}");
            await Task.Delay(50);
        }
    }
}
