namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>The metric a sweep optimises, e.g. <c>val_macro_f1</c> to maximise.</summary>
public sealed record SweepMetric(string Name, MetricGoal Goal)
{
    /// <summary>True when <paramref name="a"/> is strictly better than <paramref name="b"/>.</summary>
    public bool IsBetter(double a, double b) => Goal == MetricGoal.Maximize ? a > b : a < b;

    /// <summary>The metric as a loss (lower is better), so samplers and schedulers need one comparison only.</summary>
    public double AsLoss(double value) => Goal == MetricGoal.Maximize ? -value : value;
}
