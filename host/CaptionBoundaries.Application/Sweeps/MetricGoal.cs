namespace CaptionBoundaries.Application.Sweeps;

public enum MetricGoal
{
    Maximize,
    Minimize,
}
