namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// A hyperparameter sweep, as read by <see cref="SweepDefinitionParser"/> from YAML or JSON. Parameters keep the order
/// they were written in (the grid enumerates in that order). <see cref="RunCap"/> bounds the number of trials; it is
/// required for random and bayes, which would otherwise never end.
/// </summary>
public sealed record SweepDefinition(
    string Name,
    SweepMethod Method,
    SweepMetric Metric,
    IReadOnlyList<ParameterSpec> Parameters,
    int? RunCap = null,
    EarlyTerminateSpec? EarlyTerminate = null,
    int Seed = 0);
