using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.TestPlugin.Faulty;

/// <summary>The one good type in this assembly: proves the bad types beside it do not stop it registering.</summary>
public sealed class IdentityTestAugmentation : IAugmentationStrategy
{
    public string Name => "identity_test_augmentation";

    public string Description => "Returns copies of the inputs unchanged.";

    public CaptionInputs Apply(CaptionInputs batch, Generator generator) =>
        new(batch.Frame1.clone(), batch.Frame2.clone(), batch.OcrViz.clone(), batch.SpatialFeatures.clone(), batch.FontEmbedding.clone());
}
