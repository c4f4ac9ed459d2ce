using System.Text.Json.Serialization;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// What to train: the one description of a run, from the request that asks for it to the worker that trains it.
/// Every default lives here. The API and CLI map their own request shapes onto it; the console edits a copy; the
/// scheduler, the experiment grain and the training worker carry it as it is (Orleans sends it as JSON, see
/// ServerComposition). It is checked once, where it enters, by RunSpecValidator: fields, paths and memory, with
/// TrainingPlanRules for the stages and TrainingRecipeRules for the recipe.
/// </summary>
public sealed record RunSpec
{
    public const string DefaultOwner = "local";
    public const string DefaultAugmentation = "none";
    public const string DefaultEmbedder = "glyph_profile";
    public const string DefaultDevice = "cpu";

    public required string Name { get; init; }
    public required string DatasetFolder { get; init; }
    public required string Architecture { get; init; }
    public IReadOnlyDictionary<string, string> ModelConfig { get; init; } = new Dictionary<string, string>();
    public double LearningRate { get; init; } = 1e-3;
    public int BatchSize { get; init; } = 16;
    public int Epochs { get; init; } = 5;
    public double WeightDecay { get; init; } = 1e-2;
    public int Seed { get; init; } = 42;
    public int ImageHeight { get; init; } = 64;
    public int ImageWidth { get; init; } = 64;
    public string Augmentation { get; init; } = DefaultAugmentation;
    public string Embedder { get; init; } = DefaultEmbedder;

    /// <summary>Where it trains: set by the slot that runs it (a slot's device), or by the CLI for a local run.</summary>
    public string Device { get; init; } = DefaultDevice;

    /// <summary>A "last" (or "best") checkpoint of an earlier run of the same architecture, config and dataset.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Empty: one run of <see cref="Epochs"/> epochs. Otherwise the stages run in order as child runs.</summary>
    public IReadOnlyList<TrainingStage> Stages { get; init; } = [];

    /// <summary>
    /// The account the run belongs to: set by the handler from the caller, never from a request body. The scheduler's
    /// per-user quota and fair-share order go by it; sweep trials carry their sweep's owner.
    /// </summary>
    public string Owner { get; init; } = DefaultOwner;

    /// <summary>Private runs are seen by their owner and admins only; shared ones by everyone who can read.</summary>
    public bool Private { get; init; }

    /// <summary>LR schedule, early stopping, clipping, loss, accumulation, precision, step logging; every stage uses it.</summary>
    public TrainingRecipe Recipe { get; init; } = TrainingRecipe.Default;

    /// <summary>Epochs of the whole run: the plan's total when it has stages.</summary>
    // Derived: never written to grain calls or grain state (both JSON).
    [JsonIgnore]
    public int TotalEpochs => Stages.Count > 0 ? Stages.Sum(s => s.Epochs) : Epochs;

    /// <summary>The hyperparameters the trainer uses for a single-stage run.</summary>
    [JsonIgnore]
    public TrainingHyperparameters Hyperparameters => new()
    {
        LearningRate = LearningRate,
        BatchSize = BatchSize,
        Epochs = Epochs,
        WeightDecay = WeightDecay,
        Seed = Seed,
        ImageHeight = ImageHeight,
        ImageWidth = ImageWidth,
        Recipe = Recipe,
    };

    /// <summary>A stage's hyperparameters: its own where given, the run's otherwise.</summary>
    public TrainingHyperparameters HyperparametersOf(TrainingStage stage) => Hyperparameters with
    {
        Epochs = stage.Epochs,
        LearningRate = stage.LearningRate ?? LearningRate,
        WeightDecay = stage.WeightDecay ?? WeightDecay,
        BatchSize = stage.BatchSize ?? BatchSize,
    };
}
