using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>Three independent ResNet-50 backbones, one per image input.</summary>
public sealed class TripleBackboneResNet50 : IModelArchitecture, IChecksModelConfig
{
    public const string ArchitectureName = "triple_backbone_resnet50";

    public string Name => ArchitectureName;

    public string Description =>
        "Three separate ResNet-50 backbones (ocr_viz, frame1, frame2), each globally pooled to 2048; the 6144 pooled " +
        "features plus spatial features and font embedding feed an MLP head (1024-512-5). About 77.4M parameters, all trainable.";

    public ModelConfig DefaultConfig => new([.. CommonConfig.Defaults()]);

    public CaptionBoundaryModel Create(ModelConfig config)
    {
        // Read every value before building anything: a bad value fails fast instead of after allocating 3 backbones.
        var dropout = CommonConfig.ReadDropout(config);
        var pretrained = CommonConfig.ReadPretrainedPath(config);

        var backbones = new List<ResNet50Backbone>();
        try
        {
            for (var i = 0; i < 3; i++) backbones.Add(ResNet50Backbone.Create(pretrained));
            return new TripleBackboneResNet50Model(backbones[0], backbones[1], backbones[2], dropout);
        }
        catch
        {
            foreach (var b in backbones) b.Dispose();
            throw;
        }
    }

    /// <summary>Exact, from the layer shapes: building 77M parameters just to count them would take seconds.</summary>
    public ParameterCount CountParameters(ModelConfig config)
    {
        // Counts do not depend on the values, but a config Create would refuse is refused here too.
        CommonConfig.ReadDropout(config);
        var total = 3 * ResNet50Backbone.ParameterCount + FusionHead.ParameterCount(3 * ResNet50Backbone.FeatureDimension);
        return new ParameterCount(total, total);
    }

    /// <summary>The values Create reads, read the same way (pretrained is a path: the platform checks it).</summary>
    public void CheckConfig(ModelConfig config) => CommonConfig.ReadDropout(config);
}
