using System.CommandLine;
using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Host.Cli.Commands;

/// <summary>
/// The training recipe as command-line options (--lr-schedule, --warmup-steps, …), defaulting to the
/// <see cref="TrainingRecipe"/> defaults, so `train` and the API start from the same values.
/// </summary>
public sealed class RecipeOptions
{
    private static readonly TrainingRecipe Defaults = TrainingRecipe.Default;

    private readonly Option<string> _schedule = new("--lr-schedule")
    {
        Description = $"Learning-rate schedule: {string.Join(", ", LearningRateSchedule.All)}",
        DefaultValueFactory = _ => Defaults.LrSchedule,
    };
    private readonly Option<int> _warmup = new("--warmup-steps") { Description = "Optimiser steps of linear warm-up from 0 to --lr (not with one_cycle)", DefaultValueFactory = _ => Defaults.WarmupSteps };
    private readonly Option<int> _stepEpochs = new("--lr-step-epochs") { Description = "step schedule: multiply the rate by --lr-gamma every this many epochs", DefaultValueFactory = _ => Defaults.LrStepEpochs };
    private readonly Option<double> _gamma = new("--lr-gamma") { Description = "step schedule: the factor", DefaultValueFactory = _ => Defaults.LrGamma };
    private readonly Option<int> _patience = new("--early-stopping-patience") { Description = "Stop after this many epochs without val macro-F1 improving (0 = off)", DefaultValueFactory = _ => Defaults.EarlyStoppingPatience };
    private readonly Option<double> _minDelta = new("--early-stopping-min-delta") { Description = "The val macro-F1 gain that counts as an improvement", DefaultValueFactory = _ => Defaults.EarlyStoppingMinDelta };
    private readonly Option<double> _clip = new("--grad-clip-norm") { Description = "Clip gradients to this total L2 norm per step (0 = off)", DefaultValueFactory = _ => Defaults.GradClipNorm };
    private readonly Option<string> _weighting = new("--class-weighting")
    {
        Description = $"Class weights of the loss: {string.Join(", ", ClassWeights.All)} (balanced: inverse class frequency in the train split)",
        DefaultValueFactory = _ => Defaults.ClassWeighting,
    };
    private readonly Option<double> _smoothing = new("--label-smoothing") { Description = "Label smoothing of the cross-entropy, in [0, 1)", DefaultValueFactory = _ => Defaults.LabelSmoothing };
    private readonly Option<int> _accumulation = new("--grad-accumulation-steps") { Description = "Batches per optimiser step (effective batch = --batch-size x this)", DefaultValueFactory = _ => Defaults.GradAccumulationSteps };
    private readonly Option<string> _precision = new("--mixed-precision")
    {
        Description = "auto (on only where the device supports it: never on cpu) or off",
        DefaultValueFactory = _ => Defaults.MixedPrecision,
    };
    private readonly Option<int> _logEvery = new("--log-every-n-steps") { Description = "Record the mean train loss every this many optimiser steps", DefaultValueFactory = _ => Defaults.LogEveryNSteps };

    public IEnumerable<Option> All => [_schedule, _warmup, _stepEpochs, _gamma, _patience, _minDelta, _clip, _weighting, _smoothing, _accumulation, _precision, _logEvery];

    public TrainingRecipe Read(ParseResult parse) => new()
    {
        LrSchedule = parse.GetValue(_schedule)!,
        WarmupSteps = parse.GetValue(_warmup),
        LrStepEpochs = parse.GetValue(_stepEpochs),
        LrGamma = parse.GetValue(_gamma),
        EarlyStoppingPatience = parse.GetValue(_patience),
        EarlyStoppingMinDelta = parse.GetValue(_minDelta),
        GradClipNorm = parse.GetValue(_clip),
        ClassWeighting = parse.GetValue(_weighting)!,
        LabelSmoothing = parse.GetValue(_smoothing),
        GradAccumulationSteps = parse.GetValue(_accumulation),
        MixedPrecision = parse.GetValue(_precision)!,
        LogEveryNSteps = parse.GetValue(_logEvery),
    };
}
