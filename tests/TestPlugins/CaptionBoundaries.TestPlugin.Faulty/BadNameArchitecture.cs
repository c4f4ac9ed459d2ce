using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.TestPlugin.Faulty;

/// <summary>A name that breaks the snake_case rule, which the registry must refuse naming this type.</summary>
public sealed class BadNameArchitecture : IModelArchitecture
{
    public string Name => "Bad-Name";

    public string Description => "Refused for its name.";

    public ModelConfig DefaultConfig => new();

    public CaptionBoundaryModel Create(ModelConfig config) => throw new NotSupportedException();
}
