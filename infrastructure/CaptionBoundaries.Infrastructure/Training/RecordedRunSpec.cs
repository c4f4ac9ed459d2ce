using System.Globalization;
using System.Text.Json;
using CaptionBoundaries.Domain.Training;
using CaptionBoundaries.Infrastructure.Tracking;

namespace CaptionBoundaries.Infrastructure.Training;

public static class RecordedRunSpec
{
    /// <summary>
    /// The spec an experiment was recorded with, read back from its tracking row (to resume it). A hyperparameter the
    /// row lacks takes the <see cref="RunSpec"/> default, so there is still one set of defaults.
    /// </summary>
    public static RunSpec ToRunSpec(this Experiment experiment)
    {
        var recorded = JsonSerializer.Deserialize<Dictionary<string, string>>(experiment.HyperparametersJson) ?? [];
        var defaults = new RunSpec { Name = experiment.Name, DatasetFolder = experiment.DatasetPath, Architecture = experiment.ArchitectureName };
        double Number(string key, double fallback) => recorded.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return defaults with
        {
            ModelConfig = JsonSerializer.Deserialize<Dictionary<string, string>>(experiment.ModelConfigJson) ?? [],
            LearningRate = Number("lr", defaults.LearningRate),
            BatchSize = (int)Number("batch_size", defaults.BatchSize),
            Epochs = (int)Number("epochs", defaults.Epochs),
            WeightDecay = Number("weight_decay", defaults.WeightDecay),
            Seed = (int)Number("seed", defaults.Seed),
            ImageHeight = (int)Number("image_height", defaults.ImageHeight),
            ImageWidth = (int)Number("image_width", defaults.ImageWidth),
            Augmentation = experiment.AugmentationName,
            Embedder = experiment.EmbedderName,
            Stages = experiment.TrainingPlanJson is { } plan ? JsonSerializer.Deserialize<List<TrainingStage>>(plan) ?? [] : [],
            Owner = experiment.Owner,
            Private = experiment.IsPrivate,
            Recipe = TrainingRecipe.From(recorded),
        };
    }
}
