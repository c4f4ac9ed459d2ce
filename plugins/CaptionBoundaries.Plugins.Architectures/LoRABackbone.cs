using TorchSharp.Modules;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>Builds a ResNet-50 whose every conv is a <see cref="LoRAConv2d"/> and whose original weights are frozen.</summary>
public static class LoRABackbone
{
    public static ResNet50Backbone Create(int rank, double alpha, string? pretrainedPath)
    {
        var backbone = new ResNet50Backbone((i, o, k, s, p) => new LoRAConv2d(ResNet50Backbone.PlainConv(i, o, k, s, p), rank, alpha));
        try
        {
            if (pretrainedPath is not null) CopyPretrained(backbone, pretrainedPath);
            Freeze(backbone);
            return backbone;
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
    }

    public static bool IsAdapterParameter(string name) => name.EndsWith(".lora_A", StringComparison.Ordinal) || name.EndsWith(".lora_B", StringComparison.Ordinal);

    /// <summary>
    /// Everything but the adapters stops learning, batch-norm affine parameters included: the point of
    /// LoRA here is a small trainable set on top of a fixed (pretrained) backbone.
    /// </summary>
    public static void Freeze(ResNet50Backbone backbone)
    {
        foreach (var (name, p) in backbone.named_parameters())
        {
            p.requires_grad = IsAdapterParameter(name);
        }
    }

    public static IEnumerable<LoRAConv2d> Adapters(ResNet50Backbone backbone) => backbone.modules().OfType<LoRAConv2d>();

    /// <summary>
    /// Pretrained files hold a plain backbone. The adapted backbone has the same keys (LoRAConv2d names its frozen
    /// weight "weight") plus the adapters, so the file is loaded (and checked) as a plain backbone, then copied over.
    /// </summary>
    private static void CopyPretrained(ResNet50Backbone adapted, string path)
    {
        using var plain = ResNet50Backbone.Create(path);
        var (missing, unexpected) = adapted.load_state_dict(plain.state_dict(), strict: false);
        var notAdapters = missing.Where(k => !IsAdapterParameter(k)).ToList();
        if (unexpected.Count > 0 || notAdapters.Count > 0)
        {
            throw new InvalidOperationException(
                $"LoRA backbone and plain ResNet-50 disagree on parameter names: missing [{string.Join(", ", notAdapters)}], unexpected [{string.Join(", ", unexpected)}]");
        }
    }
}
