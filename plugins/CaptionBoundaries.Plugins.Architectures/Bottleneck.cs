using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>
/// ResNet-50 bottleneck block (1x1 reduce, 3x3, 1x1 expand by 4). The stride sits on the 3x3 conv, as in
/// torchvision's "ResNet v1.5", so parameter names and counts match torchvision's resnet50.
/// </summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly BatchNorm2d bn1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly BatchNorm2d bn2;
    private readonly nn.Module<Tensor, Tensor> conv3;
    private readonly BatchNorm2d bn3;
    private readonly ReLU relu;
    private readonly Sequential? downsample;

    public Bottleneck(long inChannels, long width, long stride, ConvFactory conv) : base(nameof(Bottleneck))
    {
        var outChannels = width * Expansion;
        conv1 = conv(inChannels, width, 1, 1, 0);
        bn1 = nn.BatchNorm2d(width);
        conv2 = conv(width, width, 3, stride, 1);
        bn2 = nn.BatchNorm2d(width);
        conv3 = conv(width, outChannels, 1, 1, 0);
        bn3 = nn.BatchNorm2d(outChannels);
        relu = nn.ReLU();

        // The residual needs a projection only when the block changes resolution or width.
        if (stride != 1 || inChannels != outChannels)
        {
            downsample = nn.Sequential(conv(inChannels, outChannels, 1, stride, 0), nn.BatchNorm2d(outChannels));
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        // Intermediates are disposed as soon as they are used: autograd keeps its own references,
        // and on a 2-core CPU box the peak memory of a 3-backbone model matters.
        using var c1 = conv1.forward(input);
        using var n1 = bn1.forward(c1);
        using var a1 = relu.forward(n1);
        using var c2 = conv2.forward(a1);
        using var n2 = bn2.forward(c2);
        using var a2 = relu.forward(n2);
        using var c3 = conv3.forward(a2);
        using var n3 = bn3.forward(c3);
        if (downsample is null)
        {
            using var sum = n3.add(input);
            return relu.forward(sum);
        }
        using var identity = downsample.forward(input);
        using var projected = n3.add(identity);
        return relu.forward(projected);
    }
}
