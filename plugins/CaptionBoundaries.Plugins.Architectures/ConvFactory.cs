using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>
/// Makes one bias-free convolution of the backbone. The backbone takes this as a parameter so the LoRA
/// architecture can put an adapter on every conv without a second copy of the ResNet-50 layout.
/// </summary>
public delegate nn.Module<Tensor, Tensor> ConvFactory(long inChannels, long outChannels, long kernelSize, long stride, long padding);
