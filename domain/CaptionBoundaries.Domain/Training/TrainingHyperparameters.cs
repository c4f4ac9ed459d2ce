using System.Globalization;
using TorchSharp;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// Optimiser and loop settings of one training stage, resolved from a <see cref="RunSpec"/> (which holds the defaults);
/// recorded on the experiment and in every checkpoint.
/// </summary>
public sealed record TrainingHyperparameters
{
    public required double LearningRate { get; init; }
    public required int BatchSize { get; init; }
    public required int Epochs { get; init; }
    public required double WeightDecay { get; init; }
    public required int Seed { get; init; }
    public required int ImageHeight { get; init; }
    public required int ImageWidth { get; init; }

    /// <summary>Schedule, early stopping, clipping, loss, accumulation, precision and step logging: the run's.</summary>
    public TrainingRecipe Recipe { get; init; } = TrainingRecipe.Default;

    /// <summary>
    /// Every setting by its request field name. With the device the run trains on, also what mixed precision it
    /// actually used (mixed_precision_effective), which "auto" leaves to the device.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToDictionary(DeviceType? device = null)
    {
        var values = new SortedDictionary<string, string>
        {
            ["lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["batch_size"] = BatchSize.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
            ["weight_decay"] = WeightDecay.ToString("R", CultureInfo.InvariantCulture),
            ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
            ["image_height"] = ImageHeight.ToString(CultureInfo.InvariantCulture),
            ["image_width"] = ImageWidth.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = "adamw",
            ["loss"] = "cross_entropy",
        };
        Recipe.AddTo(values);
        if (device is { } d) values["mixed_precision_effective"] = MixedPrecision.Effective(Recipe.MixedPrecision, d);
        return values;
    }
}
