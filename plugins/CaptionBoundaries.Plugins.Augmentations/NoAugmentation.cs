using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Augmentations;

/// <summary>
/// The identity strategy. It still returns clones because the contract says the caller disposes both
/// the input and the result; handing back the same tensors would make that a double dispose.
/// </summary>
public sealed class NoAugmentation : IAugmentationStrategy
{
    public string Name => "none";

    public string Description => "No augmentation: the batch is returned unchanged (as new tensors).";

    public CaptionInputs Apply(CaptionInputs batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new CaptionInputs(
            batch.Frame1.clone(), batch.Frame2.clone(), batch.OcrViz.clone(),
            batch.SpatialFeatures.clone(), batch.FontEmbedding.clone());
    }
}
