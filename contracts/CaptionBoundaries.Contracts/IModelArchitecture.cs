namespace CaptionBoundaries.Contracts;

/// <summary>
/// A model architecture plugin. Architectures are code (TorchSharp modules); the registry finds every
/// public, non-abstract implementation with a parameterless constructor in a plugin assembly.
/// </summary>
public interface IModelArchitecture
{
    /// <summary>Registry key, snake_case, unique across all plugins.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>Every key the architecture understands, with its default. Unknown keys are refused.</summary>
    ModelConfig DefaultConfig { get; }

    /// <summary>Builds a fresh module. <paramref name="config"/> is the defaults merged with the user's values.</summary>
    CaptionBoundaryModel Create(ModelConfig config);

    /// <summary>Parameter counts for a config. The default builds the module once; override with a formula when that is costly.</summary>
    ParameterCount CountParameters(ModelConfig config)
    {
        using var model = Create(config);
        return model.CountParameters();
    }
}
