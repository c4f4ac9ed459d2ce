using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>
/// A frozen convolution plus a trainable low-rank update: W' = W + reshape(B·A) · (alpha / rank).
/// A is (rank, in/groups·kh·kw), B is (out, rank). B starts at zero, so a fresh adapter leaves the
/// wrapped conv's output unchanged and training starts exactly from the base (e.g. pretrained) model.
/// </summary>
public sealed class LoRAConv2d : nn.Module<Tensor, Tensor>
{
    // Named "weight"/"bias" like a Conv2d so the adapted backbone's state dict holds the plain
    // backbone's keys unchanged, plus only the lora_A/lora_B keys.
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly Parameter lora_A;
    private readonly Parameter lora_B;

    private readonly long[] stride;
    private readonly long[] padding;
    private readonly long[] dilation;
    private readonly long groups;

    /// <summary>Takes over <paramref name="conv"/>'s weights (and disposes it); they are frozen here.</summary>
    public LoRAConv2d(Conv2d conv, int rank, double alpha) : base(nameof(LoRAConv2d))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "LoRA alpha must be positive");
        if (conv.padding is null || conv.padding_mode != PaddingModes.Zeros)
            throw new ArgumentException("LoRAConv2d supports explicit zero padding only", nameof(conv));

        Rank = rank;
        Scale = alpha / rank;
        stride = conv.stride;
        padding = conv.padding;
        dilation = conv.dilation;
        groups = conv.groups;

        // Copies rather than shares, so this module alone owns (and disposes) its tensors.
        weight = nn.Parameter(conv.weight.detach().clone(), requires_grad: false);
        bias = conv.bias is { } b ? nn.Parameter(b.detach().clone(), requires_grad: false) : null;
        conv.Dispose();

        var shape = weight.shape;
        var outChannels = shape[0];
        var fanIn = shape[1] * shape[2] * shape[3];
        lora_A = nn.Parameter(empty(rank, fanIn));
        lora_B = nn.Parameter(zeros(outChannels, rank));
        using (no_grad())
        {
            // The same initialisation as nn.Linear / the LoRA reference code: small uniform A, zero B.
            nn.init.kaiming_uniform_(lora_A, a: Math.Sqrt(5));
        }

        RegisterComponents();
    }

    public int Rank { get; }

    /// <summary>alpha / rank: keeps the update's size comparable when the rank changes.</summary>
    public double Scale { get; }

    /// <summary>When false the layer is exactly its frozen base conv (used to compare against the base model).</summary>
    public bool AdaptersEnabled { get; set; } = true;

    public Parameter Weight => weight;
    public Parameter LoraA => lora_A;
    public Parameter LoraB => lora_B;

    public override Tensor forward(Tensor input)
    {
        if (!AdaptersEnabled)
            return nn.functional.conv2d(input, weight, bias, stride, padding, dilation, groups);

        using var update = lora_B.matmul(lora_A);
        using var shaped = update.view(weight.shape);
        using var adapted = weight.add(shaped, alpha: Scale);
        return nn.functional.conv2d(input, adapted, bias, stride, padding, dilation, groups);
    }
}
