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

    /// <summary>
    /// Bytes a training step holds per sample and per input pixel (one height x width position, all three images): the
    /// activations the forward pass keeps for the backward pass plus their gradients. The platform multiplies it by batch
    /// and image size to estimate a run's peak memory before accepting it. The default is what the three-image ResNet-50
    /// architectures measure (see <see cref="ResNet50ActivationBytesPerPixel"/>); a small model should say less.
    /// </summary>
    double TrainingBytesPerPixel(ModelConfig config) => ResNet50ActivationBytesPerPixel;

    /// <summary>
    /// Measured once with `caption-boundaries train` (shared_backbone_resnet50, CPU, float32, 20-sample dataset): the peak
    /// resident memory (VmHWM) of a one-epoch run at batch 12 (2553 MiB) minus that at batch 2 (2117 MiB), both at 96 x 96,
    /// divided by 10 samples and 9216 pixels: 4961 bytes, rounded up. A model that runs one backbone over the stacked
    /// images (channel_fusion_lora_resnet50) keeps about a third of that; the default stays on the safe side.
    /// </summary>
    public const double ResNet50ActivationBytesPerPixel = 5000;
}
