using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.TestPlugin.Misbehaving;

/// <summary>hanging_test: its first training step never returns, as a deadlocked data path or kernel would.</summary>
public sealed class HangingArchitecture : IModelArchitecture
{
    public const string ArchitectureName = "hanging_test";

    public string Name => ArchitectureName;

    public string Description => "Test-only: the first training step blocks forever.";

    public ModelConfig DefaultConfig => new();

    public CaptionBoundaryModel Create(ModelConfig config) => new MisbehavingModel(Name, () => Thread.Sleep(Timeout.Infinite));
}
