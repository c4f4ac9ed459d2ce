namespace CaptionBoundaries.Domain.Sweeps;

public enum MetricGoal
{
    Maximize,
    Minimize,
}
