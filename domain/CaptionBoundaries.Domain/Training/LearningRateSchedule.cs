namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// The learning rate at each optimiser step of a run (steps 1..<see cref="TotalSteps"/>, counted across epochs). Steps
/// 1..W of a W-step warm-up ramp linearly: lr * t / W. The remaining S = T - W steps follow the schedule, with s = t - W - 1
/// the 0-based step after the warm-up:
/// <list type="bullet">
/// <item>constant: lr;</item>
/// <item>cosine: lr * (1 + cos(pi * s / S)) / 2 (PyTorch's CosineAnnealingLR with T_max = S and no floor);</item>
/// <item>step: lr * gamma^floor(e / k), with e the 0-based epoch of step t and k = lr_step_epochs (StepLR by epoch);</item>
/// <item>one_cycle: PyTorch's OneCycleLR (cosine, pct_start 0.3, div_factor 25, final_div_factor 1e4) over S steps: from
/// lr / 25 up to lr over the first 30%, then down to lr / 25e4. It has its own warm-up, so it takes no warmup_steps.</item>
/// </list>
/// </summary>
public sealed class LearningRateSchedule
{
    public const string Constant = "constant";
    public const string Cosine = "cosine";
    public const string Step = "step";
    public const string OneCycle = "one_cycle";

    public static readonly IReadOnlyList<string> All = [Constant, Cosine, Step, OneCycle];

    public const double OneCyclePctStart = 0.3;
    public const double OneCycleDivFactor = 25;
    public const double OneCycleFinalDivFactor = 1e4;

    public LearningRateSchedule(string kind, double baseRate, int totalSteps, int stepsPerEpoch, int warmupSteps = 0, int stepEpochs = 10, double gamma = 0.1)
    {
        if (!All.Contains(kind)) throw new ArgumentException($"Unknown learning-rate schedule '{kind}'; expected one of {string.Join(", ", All)}.", nameof(kind));
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepEpochs, 1);
        Kind = kind;
        BaseRate = baseRate;
        TotalSteps = totalSteps;
        StepsPerEpoch = stepsPerEpoch;
        WarmupSteps = warmupSteps;
        StepEpochs = stepEpochs;
        Gamma = gamma;
    }

    public string Kind { get; }
    public double BaseRate { get; }
    public int TotalSteps { get; }
    public int StepsPerEpoch { get; }
    public int WarmupSteps { get; }
    public int StepEpochs { get; }
    public double Gamma { get; }

    /// <summary>The recipe's schedule for a run of <paramref name="totalSteps"/> optimiser steps.</summary>
    public static LearningRateSchedule Of(TrainingRecipe recipe, double baseRate, int totalSteps, int stepsPerEpoch) =>
        new(recipe.LrSchedule, baseRate, totalSteps, stepsPerEpoch, recipe.WarmupSteps, recipe.LrStepEpochs, recipe.LrGamma);

    /// <summary>The rate of optimiser step <paramref name="step"/> (1-based, across epochs).</summary>
    public double At(int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        if (step <= WarmupSteps) return BaseRate * step / WarmupSteps;
        var s = step - WarmupSteps - 1;
        var span = Math.Max(1, TotalSteps - WarmupSteps);
        return Kind switch
        {
            Cosine => BaseRate * (1 + Math.Cos(Math.PI * Math.Min(s, span - 1) / span)) / 2,
            Step => BaseRate * Math.Pow(Gamma, (step - 1) / StepsPerEpoch / StepEpochs),
            OneCycle => OneCycleAt(Math.Min(s, span - 1), span),
            _ => BaseRate,
        };
    }

    private double OneCycleAt(int s, int span)
    {
        // As torch.optim.lr_scheduler.OneCycleLR (two phases, cosine annealing); a one-step cycle stays at the peak.
        if (span < 2) return BaseRate;
        var initial = BaseRate / OneCycleDivFactor;
        var minimum = initial / OneCycleFinalDivFactor;
        var peakStep = OneCyclePctStart * span - 1;
        var lastStep = span - 1.0;
        return s <= peakStep
            ? CosineAnneal(initial, BaseRate, s / peakStep)
            : CosineAnneal(BaseRate, minimum, (s - peakStep) / (lastStep - peakStep));
    }

    private static double CosineAnneal(double start, double end, double pct) => end + (start - end) / 2 * (1 + Math.Cos(Math.PI * pct));
}
