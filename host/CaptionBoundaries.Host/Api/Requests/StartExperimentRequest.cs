using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Host.Api.Requests;

/// <summary>
/// The body of <c>POST /api/experiments</c>: what a client may ask for. Absent values take the <see cref="RunSpec"/>
/// defaults (the recipe fields too, see <see cref="RecipeRequestFields"/>); who owns the run and where it trains are
/// never the client's to say (the handler and the slot set them).
/// </summary>
public sealed record StartExperimentRequest : RecipeRequestFields
{
    public required string Name { get; init; }
    public required string DatasetFolder { get; init; }
    public required string Architecture { get; init; }
    public Dictionary<string, string>? ModelConfig { get; init; }
    public double? LearningRate { get; init; }
    public int? BatchSize { get; init; }
    public int? Epochs { get; init; }
    public double? WeightDecay { get; init; }
    public int? Seed { get; init; }

    /// <summary>Square images of this side, in pixels.</summary>
    public int? ImageSize { get; init; }
    public string? Augmentation { get; init; }
    public string? Embedder { get; init; }
    public string? ResumeFrom { get; init; }
    public List<TrainingStage>? Stages { get; init; }
    public bool Private { get; init; }

    public RunSpec ToRunSpec()
    {
        var spec = new RunSpec { Name = Name, DatasetFolder = DatasetFolder, Architecture = Architecture };
        return spec with
        {
            ModelConfig = ModelConfig ?? spec.ModelConfig,
            LearningRate = LearningRate ?? spec.LearningRate,
            BatchSize = BatchSize ?? spec.BatchSize,
            Epochs = Epochs ?? spec.Epochs,
            WeightDecay = WeightDecay ?? spec.WeightDecay,
            Seed = Seed ?? spec.Seed,
            ImageHeight = ImageSize ?? spec.ImageHeight,
            ImageWidth = ImageSize ?? spec.ImageWidth,
            Augmentation = Augmentation ?? spec.Augmentation,
            Embedder = Embedder ?? spec.Embedder,
            ResumeFrom = ResumeFrom,
            Stages = Stages ?? spec.Stages,
            Private = Private,
            Recipe = ToRecipe(),
        };
    }
}
