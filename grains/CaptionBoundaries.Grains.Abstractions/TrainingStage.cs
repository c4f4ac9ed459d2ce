namespace CaptionBoundaries.Grains;

/// <summary>
/// One stage of a multi-stage training plan, run as a child run of its experiment. Null hyperparameters inherit the
/// experiment's. <see cref="Freeze"/> then <see cref="Unfreeze"/> change which parameters train, starting from the
/// architecture's own choice; patterns are parameter names or prefixes ("backbone", "features.conv1") or globs ("*.bias").
/// Each stage starts from the weights the previous stage ended with.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrainingStage
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required int Epochs { get; init; }
    [Id(2)] public double? LearningRate { get; init; }
    [Id(3)] public double? WeightDecay { get; init; }
    [Id(4)] public int? BatchSize { get; init; }
    [Id(5)] public List<string> Freeze { get; init; } = [];
    [Id(6)] public List<string> Unfreeze { get; init; } = [];
}
