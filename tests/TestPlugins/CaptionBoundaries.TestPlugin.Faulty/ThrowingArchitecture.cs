using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.TestPlugin.Faulty;

/// <summary>Its constructor throws, as a plugin with a bad static setup would; the registry must report it and go on.</summary>
public sealed class ThrowingArchitecture : IModelArchitecture
{
    public ThrowingArchitecture() => throw new InvalidOperationException("boom from ThrowingArchitecture");

    public string Name => "throwing_architecture";

    public string Description => "Never constructed.";

    public ModelConfig DefaultConfig => new();

    public CaptionBoundaryModel Create(ModelConfig config) => throw new NotSupportedException();
}
