using CaptionBoundaries.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>
/// The three images fused to 3 channels by a learned 1x1 conv, then one frozen ResNet-50 with LoRA adapters on
/// every conv, then the head. Trainable: the fusion conv, the adapters and the head.
/// </summary>
/// <remarks>
/// The backbone's batch-norm layers stay in eval mode even while the model trains (see <see cref="train"/>):
/// their affine parameters are frozen, and updating their running statistics would still silently change the
/// "frozen" backbone, with noisy estimates from the small batches this CPU box trains with.
/// </remarks>
public sealed class ChannelFusionLoRAResNet50Model : CaptionBoundaryModel, IExposesConvFeatures
{
    private readonly ChannelFusion fusion;
    private readonly ResNet50Backbone backbone;
    private readonly FusionHead head;

    public ChannelFusionLoRAResNet50Model(ResNet50Backbone loraBackbone, double dropout) : base(ChannelFusionLoRAResNet50.ArchitectureName)
    {
        fusion = new ChannelFusion();
        backbone = loraBackbone;
        head = new FusionHead(ResNet50Backbone.FeatureDimension, dropout);
        RegisterComponents();
        train();
    }

    public ChannelFusion Fusion => fusion;
    public ResNet50Backbone Backbone => backbone;
    public IEnumerable<LoRAConv2d> Adapters => LoRABackbone.Adapters(backbone);

    /// <summary>
    /// One backbone over the three images fused by channel: its single last-stage map explains ocr_viz, frame1 and
    /// frame2 jointly, so their heatmaps are the same map.
    /// </summary>
    public IReadOnlyList<ConvFeatureSource> LastConvStages =>
        [new("backbone.layer4", backbone.LastStage, [TaskSpec.OcrViz, TaskSpec.Frame1, TaskSpec.Frame2], FeatureMapLayout.Joint)];

    /// <summary>Switches every adapter on or off; off, the backbone computes exactly its frozen base weights.</summary>
    public bool AdaptersEnabled
    {
        set
        {
            foreach (var adapter in Adapters) adapter.AdaptersEnabled = value;
        }
    }

    public override void train(bool train = true)
    {
        base.train(train);
        foreach (var bn in backbone.modules().OfType<BatchNorm2d>()) bn.eval();
    }

    protected override Tensor ForwardLogits(CaptionInputs inputs)
    {
        using var fused = fusion.forward(inputs.OcrViz, inputs.Frame1, inputs.Frame2);
        using var pooled = backbone.forward(fused);
        return head.forward([pooled], inputs);
    }
}
