using CaptionBoundaries.Domain.Benchmarks;

namespace CaptionBoundaries.Tests.Benchmarks;

public sealed class LatencyPercentilesTests
{
    [Fact]
    public void NearestRankReturnsAnObservedValue()
    {
        double[] values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
        Assert.Equal(5, LatencyPercentiles.Of(values, 50));
        Assert.Equal(10, LatencyPercentiles.Of(values, 95));
        Assert.Equal(1, LatencyPercentiles.Of(values, 1));
        Assert.Equal(7, LatencyPercentiles.Of([7], 95));
    }

    [Fact]
    public void EmptyInputOrAnOutOfRangePercentileIsRefused()
    {
        Assert.Throws<ArgumentException>(() => LatencyPercentiles.Of([], 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyPercentiles.Of([1], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyPercentiles.Of([1], 101));
    }
}
