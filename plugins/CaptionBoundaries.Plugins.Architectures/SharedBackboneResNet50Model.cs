using CaptionBoundaries.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>One ResNet-50 shared by the three images; their pooled vectors and the side inputs feed the head.</summary>
public sealed class SharedBackboneResNet50Model : CaptionBoundaryModel, IExposesConvFeatures
{
    private readonly ResNet50Backbone backbone;
    private readonly FusionHead head;

    public SharedBackboneResNet50Model(ResNet50Backbone backbone, double dropout) : base(SharedBackboneResNet50.ArchitectureName)
    {
        this.backbone = backbone;
        head = new FusionHead(3 * ResNet50Backbone.FeatureDimension, dropout);
        RegisterComponents();
    }

    public ResNet50Backbone Backbone => backbone;

    /// <summary>The shared backbone runs once over [ocr_viz, frame1, frame2] stacked on the batch: one chunk of its last stage per image.</summary>
    public IReadOnlyList<ConvFeatureSource> LastConvStages =>
        [new("backbone.layer4", backbone.LastStage, [TaskSpec.OcrViz, TaskSpec.Frame1, TaskSpec.Frame2], FeatureMapLayout.StackedOnBatch)];

    protected override Tensor ForwardLogits(CaptionInputs inputs)
    {
        // One pass over the three images stacked along the batch: a single larger convolution is faster
        // on CPU than three small ones, and in training mode batch norm sees all three image kinds together.
        using var images = cat([inputs.OcrViz, inputs.Frame1, inputs.Frame2], 0);
        using var pooled = backbone.forward(images);
        var perImage = pooled.chunk(3, 0);
        try
        {
            return head.forward(perImage, inputs);
        }
        finally
        {
            foreach (var t in perImage) t.Dispose();
        }
    }
}
