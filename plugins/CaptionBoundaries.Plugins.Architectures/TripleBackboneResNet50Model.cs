using CaptionBoundaries.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>One ResNet-50 per image (ocr_viz, frame1, frame2); the three pooled vectors and the side inputs feed the head.</summary>
public sealed class TripleBackboneResNet50Model : CaptionBoundaryModel, IExposesConvFeatures
{
    private readonly ResNet50Backbone ocr_backbone;
    private readonly ResNet50Backbone frame1_backbone;
    private readonly ResNet50Backbone frame2_backbone;
    private readonly FusionHead head;

    public TripleBackboneResNet50Model(ResNet50Backbone ocrBackbone, ResNet50Backbone frame1Backbone, ResNet50Backbone frame2Backbone, double dropout)
        : base(TripleBackboneResNet50.ArchitectureName)
    {
        ocr_backbone = ocrBackbone;
        frame1_backbone = frame1Backbone;
        frame2_backbone = frame2Backbone;
        head = new FusionHead(3 * ResNet50Backbone.FeatureDimension, dropout);
        RegisterComponents();
    }

    public ResNet50Backbone OcrBackbone => ocr_backbone;
    public ResNet50Backbone Frame1Backbone => frame1_backbone;
    public ResNet50Backbone Frame2Backbone => frame2_backbone;

    /// <summary>One last stage per image: each backbone sees exactly one input.</summary>
    public IReadOnlyList<ConvFeatureSource> LastConvStages =>
    [
        new("ocr_backbone.layer4", ocr_backbone.LastStage, [TaskSpec.OcrViz]),
        new("frame1_backbone.layer4", frame1_backbone.LastStage, [TaskSpec.Frame1]),
        new("frame2_backbone.layer4", frame2_backbone.LastStage, [TaskSpec.Frame2]),
    ];

    protected override Tensor ForwardLogits(CaptionInputs inputs)
    {
        using var ocr = ocr_backbone.forward(inputs.OcrViz);
        using var f1 = frame1_backbone.forward(inputs.Frame1);
        using var f2 = frame2_backbone.forward(inputs.Frame2);
        return head.forward([ocr, f1, f2], inputs);
    }
}
