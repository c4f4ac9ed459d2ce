namespace CaptionBoundaries.Bench.PyTorch;

/// <summary>
/// One comparison run. <see cref="Steps"/> is both the number of timed raw steps (after <see cref="Warmup"/>) and the
/// steps per epoch of the trainer run, whose dataset is sized for it (exactly when steps × batch is a multiple of the
/// five classes, else the last batch of an epoch is partial). <see cref="ServingCallers"/> concurrent callers
/// send <see cref="ServingRequests"/> timed requests (after a warm-up of one full batch).
/// </summary>
public sealed record PyTorchBenchSettings
{
    public const string Architecture = "shared_backbone_resnet50";
    public const string Embedder = "glyph_profile";
    public const string Augmentation = "none";

    public int ImageSize { get; init; } = 64;
    public int BatchSize { get; init; } = 16;
    public int Steps { get; init; } = 10;
    public int Warmup { get; init; } = 2;
    public int Epochs { get; init; } = 3;
    public int Threads { get; init; } = 2;
    public string Device { get; init; } = "cpu";
    public int ServingRequests { get; init; } = 160;
    public int ServingCallers { get; init; } = 32;
    public int Seed { get; init; } = 42;
    public string Python { get; init; } = "/usr/bin/python3";
    public string? Script { get; init; }

    public void Validate()
    {
        if (ImageSize < Contracts.TaskSpec.MinImageSide) throw new ArgumentException($"--image-size must be at least {Contracts.TaskSpec.MinImageSide}.");
        if (BatchSize < 1) throw new ArgumentException("--batch-size must be at least 1.");
        if (Steps < 1 || Warmup < 0) throw new ArgumentException("--steps must be at least 1 and --warmup at least 0.");
        if (Epochs < 2) throw new ArgumentException("--epochs must be at least 2: the first is the trainer's warm-up.");
        if (Warmup >= Steps * Epochs) throw new ArgumentException("--warmup must leave timed trainer steps: it is below --steps × epochs.");
        if (Threads < 1) throw new ArgumentException("--threads must be at least 1.");
        if (ServingRequests < 1 || ServingCallers < 1) throw new ArgumentException("--requests and --callers must be at least 1.");
    }
}
