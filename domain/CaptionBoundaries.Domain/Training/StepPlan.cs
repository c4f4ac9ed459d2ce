namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// How an epoch splits into batches and optimiser steps: every <paramref name="AccumulationSteps"/> batches make one
/// step, and the epoch's last (smaller) group makes one more.
/// </summary>
public sealed record StepPlan(int BatchesPerEpoch, int StepsPerEpoch, int AccumulationSteps)
{
    public static StepPlan Of(int trainSamples, int batchSize, int accumulationSteps)
    {
        var batches = (int)Math.Ceiling(trainSamples / (double)batchSize);
        return new StepPlan(batches, (int)Math.Ceiling(batches / (double)accumulationSteps), accumulationSteps);
    }

    /// <summary>The global optimiser step (1-based, across epochs) that a 1-based batch of an epoch belongs to.</summary>
    public int StepOf(int epoch, int batch) => (epoch - 1) * StepsPerEpoch + (batch + AccumulationSteps - 1) / AccumulationSteps;

    /// <summary>Whether a 1-based batch ends its group, so the optimiser steps after it.</summary>
    public bool EndsStep(int batch) => batch % AccumulationSteps == 0 || batch == BatchesPerEpoch;
}
