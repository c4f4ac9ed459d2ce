namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// One stage of a multi-stage training plan, run as a child run of its experiment. Null hyperparameters inherit the
/// experiment's. <see cref="Freeze"/> then <see cref="Unfreeze"/> change which parameters train, starting from the
/// architecture's own choice; patterns are parameter names or prefixes ("backbone", "features.conv1") or globs ("*.bias").
/// Each stage starts from the weights the previous stage ended with.
/// </summary>
public sealed record TrainingStage
{
    public required string Name { get; init; }
    public required int Epochs { get; init; }
    public double? LearningRate { get; init; }
    public double? WeightDecay { get; init; }
    public int? BatchSize { get; init; }
    public List<string> Freeze { get; init; } = [];
    public List<string> Unfreeze { get; init; } = [];
}
