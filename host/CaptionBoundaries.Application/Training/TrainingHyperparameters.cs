using System.Globalization;

namespace CaptionBoundaries.Application.Training;

/// <summary>Optimiser and loop settings of a run; recorded on the experiment and in every checkpoint.</summary>
public sealed record TrainingHyperparameters
{
    public double LearningRate { get; init; } = 1e-3;
    public int BatchSize { get; init; } = 16;
    public int Epochs { get; init; } = 5;
    public double WeightDecay { get; init; } = 1e-2;
    public int Seed { get; init; } = 42;
    public int ImageHeight { get; init; } = 64;
    public int ImageWidth { get; init; } = 64;

    public IReadOnlyDictionary<string, string> ToDictionary() => new SortedDictionary<string, string>
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
}
