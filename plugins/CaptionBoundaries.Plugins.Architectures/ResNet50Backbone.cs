using CaptionBoundaries.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>
/// ResNet-50 without its classifier: (batch, 3, H, W) -> (batch, 2048) globally average-pooled features.
/// Component names follow torchvision (conv1, bn1, layer1.0.downsample.0, ...) so a converted torchvision
/// state dict lines up key for key. 23,508,032 parameters with plain convs.
/// </summary>
public sealed class ResNet50Backbone : nn.Module<Tensor, Tensor>
{
    public const long FeatureDimension = 512 * Bottleneck.Expansion;
    public const long ParameterCount = 23_508_032;

    private static readonly int[] BlocksPerStage = [3, 4, 6, 3];
    private static readonly long[] StageWidths = [64, 128, 256, 512];

    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AdaptiveAvgPool2d avgpool;

    public ResNet50Backbone(ConvFactory? conv = null) : base(nameof(ResNet50Backbone))
    {
        conv ??= PlainConv;
        conv1 = conv(3, 64, 7, 2, 3);
        bn1 = nn.BatchNorm2d(64);
        relu = nn.ReLU();
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);

        long channels = 64;
        layer1 = Stage(ref channels, 0, stride: 1, conv);
        layer2 = Stage(ref channels, 1, stride: 2, conv);
        layer3 = Stage(ref channels, 2, stride: 2, conv);
        layer4 = Stage(ref channels, 3, stride: 2, conv);
        avgpool = nn.AdaptiveAvgPool2d(1);

        RegisterComponents();
    }

    /// <summary>
    /// The last convolutional stage (layer4): its (batch, 2048, H/32, W/32) output is what Grad-CAM explains. It is
    /// invoked through <c>call</c>, so forward hooks registered on it fire.
    /// </summary>
    public Sequential LastStage => layer4;

    /// <summary>A new backbone, with weights from a local <c>Module.save</c> file when a path is given.</summary>
    public static ResNet50Backbone Create(string? pretrainedPath)
    {
        var backbone = new ResNet50Backbone();
        if (pretrainedPath is not null)
        {
            try
            {
                PretrainedWeights.LoadInto(backbone, pretrainedPath);
            }
            catch
            {
                backbone.Dispose();
                throw;
            }
        }
        return backbone;
    }

    /// <summary>
    /// A bias-free conv with torchvision's initialisation (Kaiming normal, fan-out), which keeps
    /// activations from shrinking through 50 layers when training from scratch.
    /// </summary>
    public static Conv2d PlainConv(long inChannels, long outChannels, long kernelSize, long stride, long padding)
    {
        var conv = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, bias: false);
        using (no_grad())
        {
            nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        }
        return conv;
    }

    public override Tensor forward(Tensor input)
    {
        using var c = conv1.forward(input);
        using var n = bn1.forward(c);
        using var a = relu.forward(n);
        using var p = maxpool.forward(a);
        using var l1 = layer1.forward(p);
        using var l2 = layer2.forward(l1);
        using var l3 = layer3.forward(l2);
        // Through call, so a forward hook on the last stage (Grad-CAM, see LastStage) sees its output.
        using var l4 = layer4.call(l3);
        using var pooled = avgpool.forward(l4);
        return pooled.flatten(1);
    }

    private static Sequential Stage(ref long channels, int stage, long stride, ConvFactory conv)
    {
        var width = StageWidths[stage];
        var blocks = new List<nn.Module<Tensor, Tensor>>();
        for (var i = 0; i < BlocksPerStage[stage]; i++)
        {
            // Only the first block of a stage downsamples; the rest keep resolution and width.
            blocks.Add(new Bottleneck(channels, width, i == 0 ? stride : 1, conv));
            channels = width * Bottleneck.Expansion;
        }
        return nn.Sequential(blocks);
    }
}
