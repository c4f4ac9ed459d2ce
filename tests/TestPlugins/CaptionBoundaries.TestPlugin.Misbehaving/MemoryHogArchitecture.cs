using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.TestPlugin.Misbehaving;

/// <summary>
/// memory_hog_test: every training step keeps another 256 MiB tensor (written, so the pages are resident), while the
/// architecture declares a tiny footprint, so the run passes the estimate and only the worker's memory watchdog can stop
/// it. Capped at 8 GiB so a broken watchdog fails its test instead of exhausting the machine.
/// </summary>
public sealed class MemoryHogArchitecture : IModelArchitecture
{
    public const string ArchitectureName = "memory_hog_test";
    private const long ChunkFloats = 64L << 20;
    private const int MaxChunks = 32;
    private static readonly List<Tensor> Kept = [];

    public string Name => ArchitectureName;

    public string Description => "Test-only: leaks 256 MiB per training step while declaring a tiny footprint.";

    public ModelConfig DefaultConfig => new();

    public double TrainingBytesPerPixel(ModelConfig config) => 1;

    public CaptionBoundaryModel Create(ModelConfig config) => new MisbehavingModel(Name, () =>
    {
        lock (Kept)
        {
            if (Kept.Count < MaxChunks) Kept.Add(ones(ChunkFloats, dtype: float32).DetachFromDisposeScope());
        }
    });
}
