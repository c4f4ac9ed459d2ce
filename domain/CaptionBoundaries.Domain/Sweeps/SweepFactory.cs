namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>Builds the sampler and early-termination scheduler a definition asks for.</summary>
public static class SweepFactory
{
    public static ISweepSampler CreateSampler(SweepDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Method switch
        {
            SweepMethod.Grid => new GridSampler(definition.Parameters),
            SweepMethod.Random => new RandomSampler(definition.Parameters, definition.Seed),
            _ => new TpeSampler(definition.Parameters, definition.Metric, definition.Seed),
        };
    }

    /// <summary>Null when the definition has no early_terminate: every trial runs to the end.</summary>
    public static ITrialScheduler? CreateScheduler(SweepDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var e = definition.EarlyTerminate;
        return e?.Type switch
        {
            null => null,
            EarlyTerminateType.Asha => new AshaScheduler(definition.Metric, e.MinIter, e.MaxIter, e.Eta),
            EarlyTerminateType.Hyperband => new HyperbandScheduler(definition.Metric, e.MinIter, e.MaxIter, e.Eta),
            _ => new MedianStoppingRule(definition.Metric, gracePeriod: e.MinIter),
        };
    }
}
