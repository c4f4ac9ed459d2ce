namespace CaptionBoundaries.Bench.Asha;

/// <summary>
/// What `bench sweep-asha` asks for: ASHA against plain random search on the same random trials, with real training,
/// in-process and one trial at a time (see <see cref="AshaBenchmark"/>). Without <see cref="DatasetFolder"/> a synthetic
/// dataset of <see cref="SamplesPerClass"/> samples per class is generated (seed <see cref="Seed"/>) in a scratch folder
/// and deleted afterwards. Repeat r (from 0) draws and trains with seed <see cref="Seed"/> + r on the same data.
/// </summary>
public sealed record AshaBenchRequest
{
    public int Trials { get; init; } = 8;
    public int Epochs { get; init; } = 6;
    public int SamplesPerClass { get; init; } = 16;
    public int ImageSize { get; init; } = 32;
    public string Architecture { get; init; } = "channel_fusion_lora_resnet50";
    public IReadOnlyDictionary<string, string> ModelConfig { get; init; } = new Dictionary<string, string>();
    public int BatchSize { get; init; } = 16;
    public int Seed { get; init; } = 1;
    public int Repeats { get; init; } = 1;
    public int MinIter { get; init; } = 1;
    public int Eta { get; init; } = 3;
    public string Device { get; init; } = "cpu";
    public string? DatasetFolder { get; init; }

    public IProgress<AshaBenchmarkProgress>? Progress { get; init; }

    /// <summary>Called before each repeat starts and after it ends (with its result), for a live report.</summary>
    public Action<int, AshaBenchmarkSettings>? OnRepeatStarted { get; init; }

    public Action<int, AshaBenchmarkResult>? OnRepeatFinished { get; init; }
}
