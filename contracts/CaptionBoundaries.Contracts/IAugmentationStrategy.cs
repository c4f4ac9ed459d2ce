using static TorchSharp.torch;

namespace CaptionBoundaries.Contracts;

/// <summary>
/// An augmentation strategy plugin, applied to training batches only. Must be deterministic for a given
/// generator state, so a seeded run is reproducible.
/// </summary>
public interface IAugmentationStrategy
{
    string Name { get; }

    string Description { get; }

    /// <summary>Returns augmented inputs as new tensors (the caller disposes both the input and the result).</summary>
    CaptionInputs Apply(CaptionInputs batch, Generator generator);
}
