using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>A single ResNet-50 applied to all three images (shared weights).</summary>
public sealed class SharedBackboneResNet50 : IModelArchitecture, IChecksModelConfig
{
    public const string ArchitectureName = "shared_backbone_resnet50";

    public string Name => ArchitectureName;

    public string Description =>
        "One ResNet-50 backbone shared by ocr_viz, frame1 and frame2 (same weights, three pooled 2048 vectors); " +
        "the 6144 pooled features plus spatial features and font embedding feed an MLP head (1024-512-5). " +
        "About 30.4M parameters, all trainable.";

    public ModelConfig DefaultConfig => new([.. CommonConfig.Defaults()]);

    public CaptionBoundaryModel Create(ModelConfig config)
    {
        var dropout = CommonConfig.ReadDropout(config);
        var pretrained = CommonConfig.ReadPretrainedPath(config);

        var backbone = ResNet50Backbone.Create(pretrained);
        try
        {
            return new SharedBackboneResNet50Model(backbone, dropout);
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
    }

    /// <summary>Exact, from the layer shapes.</summary>
    public ParameterCount CountParameters(ModelConfig config)
    {
        // Counts do not depend on the values, but a config Create would refuse is refused here too.
        CommonConfig.ReadDropout(config);
        var total = ResNet50Backbone.ParameterCount + FusionHead.ParameterCount(3 * ResNet50Backbone.FeatureDimension);
        return new ParameterCount(total, total);
    }

    /// <summary>The values Create reads, read the same way (pretrained is a path: the platform checks it).</summary>
    public void CheckConfig(ModelConfig config) => CommonConfig.ReadDropout(config);
}
