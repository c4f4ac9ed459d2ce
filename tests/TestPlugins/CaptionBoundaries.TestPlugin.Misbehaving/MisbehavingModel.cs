using CaptionBoundaries.Contracts;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.TestPlugin.Misbehaving;

/// <summary>
/// A linear head over the pooled images and features that runs <paramref name="misbehave"/> before each training forward
/// pass (evaluation and inference behave): what a plugin with a leak or a deadlock in its training path looks like.
/// </summary>
public sealed class MisbehavingModel : CaptionBoundaryModel
{
    private readonly Linear head;
    private readonly Action misbehave;

    public MisbehavingModel(string architectureName, Action misbehave) : base(architectureName)
    {
        this.misbehave = misbehave;
        head = nn.Linear(3 * TaskSpec.ImageChannels + TaskSpec.SpatialFeatureCount + TaskSpec.FontEmbeddingDimension, TaskSpec.ClassCount);
        RegisterComponents();
    }

    protected override Tensor ForwardLogits(CaptionInputs inputs)
    {
        if (training) misbehave();
        using var scope = NewDisposeScope();
        var pooled = cat([inputs.Frame1.mean([2, 3]), inputs.Frame2.mean([2, 3]), inputs.OcrViz.mean([2, 3])], 1);
        var logits = head.forward(cat([pooled, inputs.SpatialFeatures, inputs.FontEmbedding], 1));
        return logits.MoveToOuterDisposeScope();
    }
}
