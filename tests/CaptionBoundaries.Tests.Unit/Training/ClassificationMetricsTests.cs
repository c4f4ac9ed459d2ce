using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Tests.Training;

public sealed class ClassificationMetricsTests
{
    [Fact]
    public void F1AccuracyAndMacroAverageMatchHandComputedValues()
    {
        long[][] confusion =
        [
            [8, 2, 0, 0, 0],
            [1, 9, 0, 0, 0],
            [0, 0, 10, 0, 0],
            [0, 0, 0, 5, 5],
            [0, 0, 0, 0, 0],
        ];
        var m = ClassificationMetrics.FromConfusion(confusion);

        Assert.Equal(32.0 / 40, m.Accuracy, 10);
        Assert.Equal(2.0 * 8 / (16 + 1 + 2), m.PerClassF1[0], 10);
        Assert.Equal(2.0 * 9 / (18 + 2 + 1), m.PerClassF1[1], 10);
        Assert.Equal(1.0, m.PerClassF1[2], 10);
        Assert.Equal(2.0 * 5 / (10 + 0 + 5), m.PerClassF1[3], 10);
        Assert.Equal(0.0, m.PerClassF1[4], 10); // predicted 5 times, never true
        Assert.Equal(m.PerClassF1.Average(), m.MacroF1, 10);
    }
}
