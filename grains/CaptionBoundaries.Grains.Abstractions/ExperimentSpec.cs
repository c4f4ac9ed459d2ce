namespace CaptionBoundaries.Grains;

/// <summary>What to train: the serializable twin of the Application's TrainModelCommand.</summary>
[GenerateSerializer, Immutable]
public sealed record ExperimentSpec
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required string DatasetFolder { get; init; }
    [Id(2)] public required string Architecture { get; init; }
    [Id(3)] public Dictionary<string, string> ModelConfig { get; init; } = [];
    [Id(4)] public double LearningRate { get; init; } = 1e-3;
    [Id(5)] public int BatchSize { get; init; } = 16;
    [Id(6)] public int Epochs { get; init; } = 5;
    [Id(7)] public double WeightDecay { get; init; } = 1e-2;
    [Id(8)] public int Seed { get; init; } = 42;
    [Id(9)] public int ImageSize { get; init; } = 64;
    [Id(10)] public string Augmentation { get; init; } = "none";
    [Id(11)] public string Embedder { get; init; } = "glyph_profile";
    [Id(12)] public string? ResumeFrom { get; init; }

    /// <summary>Empty: one run of <see cref="Epochs"/> epochs. Otherwise the stages run in order as child runs.</summary>
    [Id(13)] public List<TrainingStage> Stages { get; init; } = [];

    /// <summary>
    /// The account the run belongs to: set by the handler from the caller, never from the request body. The scheduler's
    /// per-user quota and fair-share order go by it; sweep trials carry their sweep's owner.
    /// </summary>
    [Id(14)] public string Owner { get; init; } = DefaultOwner;

    public const string DefaultOwner = "local";

    /// <summary>Private runs are seen by their owner and admins only; shared ones by everyone who can read.</summary>
    [Id(15)] public bool Private { get; init; }

    /// <summary>Epochs of the whole run: the plan's total when it has stages.</summary>
    public int TotalEpochs => Stages.Count > 0 ? Stages.Sum(s => s.Epochs) : Epochs;
}
