using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Host.Api.Requests;

/// <summary>
/// The body of <c>POST /api/sweeps</c>: the definition (YAML or JSON text) and the training settings it does not sweep.
/// Absent settings (the recipe's too) take the <see cref="RunSpec"/> defaults, as a single experiment's do; swept
/// recipe fields override them per trial.
/// </summary>
public sealed record StartSweepRequest : RecipeRequestFields
{
    public string? Definition { get; init; }
    public string? DatasetFolder { get; init; }
    public string? Architecture { get; init; }
    public int? ImageSize { get; init; }
    public int? Epochs { get; init; }
    public int? BatchSize { get; init; }
    public double? LearningRate { get; init; }
    public double? WeightDecay { get; init; }
    public int? Seed { get; init; }
    public string? Augmentation { get; init; }
    public string? Embedder { get; init; }
    public Dictionary<string, string>? ModelConfig { get; init; }

    /// <summary>A multi-stage plan every trial runs: each trial is then a parent run with its stages as child runs.</summary>
    public List<TrainingStage>? Stages { get; init; }

    public RunSpec ToBaseSpec()
    {
        // Null stays null so the validator can say which required field is missing.
        var spec = new RunSpec { Name = "sweep", DatasetFolder = DatasetFolder!, Architecture = Architecture! };
        return spec with
        {
            ImageHeight = ImageSize ?? spec.ImageHeight,
            ImageWidth = ImageSize ?? spec.ImageWidth,
            Epochs = Epochs ?? spec.Epochs,
            BatchSize = BatchSize ?? spec.BatchSize,
            LearningRate = LearningRate ?? spec.LearningRate,
            WeightDecay = WeightDecay ?? spec.WeightDecay,
            Seed = Seed ?? spec.Seed,
            Augmentation = Augmentation ?? spec.Augmentation,
            Embedder = Embedder ?? spec.Embedder,
            ModelConfig = ModelConfig ?? spec.ModelConfig,
            Stages = Stages ?? spec.Stages,
            Recipe = ToRecipe(),
        };
    }
}
