using CaptionBoundaries.Grains;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Serving;

namespace CaptionBoundaries.Tests.Grains;

public sealed class ActiveVersionFallbackTests
{
    private static ActiveModelVersion Version(int v) =>
        new("captions", new ModelVersionInfo(v, $"/store/{v}.pt", new string('a', 64), "tiny_test_cnn", null, null, DateTime.UtcNow), v);

    [Fact]
    public async Task While_the_model_grain_is_unreachable_the_last_answered_version_stands_in()
    {
        var fallback = new ActiveVersionFallback();
        Assert.Equal(2, (await fallback.ResolveAsync("captions", () => Task.FromResult<ActiveModelVersion?>(Version(2))))!.Version.Version);

        var during = await fallback.ResolveAsync("captions", () => throw new SiloUnavailableException("node-a died"));
        Assert.Equal(2, during!.Version.Version);
        var timedOut = await fallback.ResolveAsync("captions", () => throw new TimeoutException("no response in 30 s"));
        Assert.Equal(2, timedOut!.Version.Version);

        // Reachable again: its answer wins at once (a switch made meanwhile on the new activation is followed).
        Assert.Equal(3, (await fallback.ResolveAsync("captions", () => Task.FromResult<ActiveModelVersion?>(Version(3))))!.Version.Version);
    }

    [Fact]
    public async Task Without_an_earlier_answer_or_for_other_errors_the_failure_is_not_hidden()
    {
        var fallback = new ActiveVersionFallback();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => fallback.ResolveAsync("captions", () => throw new SiloUnavailableException("x")));

        await fallback.ResolveAsync("captions", () => Task.FromResult<ActiveModelVersion?>(Version(1)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => fallback.ResolveAsync("captions", () => throw new InvalidOperationException("bug")));
        await Assert.ThrowsAsync<SiloUnavailableException>(() => fallback.ResolveAsync("other-model", () => throw new SiloUnavailableException("x")));

        // A model that no longer has an active version is forgotten: nothing stands in for it later.
        await fallback.ResolveAsync("captions", () => Task.FromResult<ActiveModelVersion?>(null));
        await Assert.ThrowsAsync<SiloUnavailableException>(() => fallback.ResolveAsync("captions", () => throw new SiloUnavailableException("x")));
    }
}
