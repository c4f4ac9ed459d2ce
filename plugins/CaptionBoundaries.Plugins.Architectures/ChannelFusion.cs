using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>
/// Learned 1x1 conv from the 9 stacked channels [ocr_viz, frame1, frame2] to 3, so one ResNet-50 sees all
/// three images. Starts as the per-channel average of the three images: a natural-looking RGB input,
/// which is what pretrained backbone weights expect.
/// </summary>
public sealed class ChannelFusion : nn.Module<Tensor, Tensor>
{
    public const int ImageCount = 3;
    public const int Channels = 3;

    private readonly Conv2d conv;

    public ChannelFusion() : base(nameof(ChannelFusion))
    {
        conv = nn.Conv2d(ImageCount * Channels, Channels, 1, bias: true);
        using (no_grad())
        {
            conv.weight.zero_();
            conv.bias!.zero_();
            using var share = tensor(1f / ImageCount);
            for (var c = 0; c < Channels; c++)
            {
                for (var image = 0; image < ImageCount; image++)
                {
                    conv.weight[c, image * Channels + c, 0, 0] = share;
                }
            }
        }
        RegisterComponents();
    }

    public Conv2d Conv => conv;

    /// <summary>Fuses the images in the order given (the model passes ocr_viz, frame1, frame2).</summary>
    public Tensor forward(Tensor first, Tensor second, Tensor third)
    {
        using var stacked = cat([first, second, third], 1);
        return forward(stacked);
    }

    public override Tensor forward(Tensor stacked) => conv.forward(stacked);
}
