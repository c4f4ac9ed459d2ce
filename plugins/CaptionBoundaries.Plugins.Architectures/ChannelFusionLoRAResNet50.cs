using System.Globalization;
using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>Channel fusion of the three images into one frozen ResNet-50 fine-tuned through LoRA adapters.</summary>
public sealed class ChannelFusionLoRAResNet50 : IModelArchitecture, IChecksModelConfig
{
    public const string ArchitectureName = "channel_fusion_lora_resnet50";
    public const string LoraRank = "lora_rank";
    public const string LoraAlpha = "lora_alpha";
    public const int DefaultRank = 16;
    public const double DefaultAlpha = 16;

    // No conv of the backbone has a weight update of rank above 1024 (layer4's 1024 -> 2048 projection),
    // so a larger rank only costs memory; the bound also catches typos like 16000.
    public const int MaxRank = 1024;

    public string Name => ArchitectureName;

    public string Description =>
        "ocr_viz, frame1 and frame2 stacked to 9 channels and fused to 3 by a learned 1x1 conv (starts as their average), " +
        "one frozen ResNet-50 with LoRA adapters on every conv (lora_rank, lora_alpha), then an MLP head (1024-512-5) " +
        "over the 2048 pooled features plus spatial features and font embedding. About 27.5M parameters, ~4.0M trainable at rank 16.";

    public ModelConfig DefaultConfig => new(
    [
        .. CommonConfig.Defaults(),
        (LoraRank, DefaultRank.ToString(CultureInfo.InvariantCulture)),
        (LoraAlpha, DefaultAlpha.ToString(CultureInfo.InvariantCulture)),
    ]);

    public CaptionBoundaryModel Create(ModelConfig config)
    {
        var (dropout, rank, alpha) = Read(config);
        var pretrained = CommonConfig.ReadPretrainedPath(config);

        var backbone = LoRABackbone.Create(rank, alpha, pretrained);
        try
        {
            return new ChannelFusionLoRAResNet50Model(backbone, dropout);
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
    }

    /// <summary>The values Create reads, read the same way (pretrained is a path: the platform checks it).</summary>
    public void CheckConfig(ModelConfig config) => Read(config);

    private static (double Dropout, int Rank, double Alpha) Read(ModelConfig config)
    {
        var dropout = CommonConfig.ReadDropout(config);
        var rank = config.GetInt(LoraRank, 1, MaxRank);
        var alpha = config.GetDouble(LoraAlpha);
        if (alpha <= 0) throw new ModelConfigException(LoraAlpha, $"model config '{LoraAlpha}' must be greater than 0, got {alpha}");
        return (dropout, rank, alpha);
    }
}
