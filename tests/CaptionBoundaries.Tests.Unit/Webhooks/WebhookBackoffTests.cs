using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Infrastructure.Registry;

namespace CaptionBoundaries.Tests.Webhooks;

public sealed class WebhookBackoffTests
{
    [Fact]
    public void TheWaitDoublesAfterEachFailedAttemptUpToTheCap()
    {
        var options = new WebhookOptions { BaseDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(60) };
        Assert.Equal([5, 10, 20, 40, 60, 60], Enumerable.Range(1, 6).Select(a => options.DelayAfter(a).TotalSeconds));
        // Far past the cap, no overflow.
        Assert.Equal(TimeSpan.FromSeconds(60), options.DelayAfter(1000));
    }
}
