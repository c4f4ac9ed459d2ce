using static TorchSharp.torch;

namespace CaptionBoundaries.Contracts;

/// <summary>An embedder plugin, e.g. the font embedder that produces <see cref="TaskSpec.FontEmbedding"/>.</summary>
public interface IEmbedder
{
    string Name { get; }

    /// <summary>Recorded on every experiment and checkpoint; bump it whenever outputs change for the same input.</summary>
    string Version { get; }

    /// <summary>Length of the produced vector; font embedders must produce <see cref="TaskSpec.FontEmbeddingDimension"/>.</summary>
    int OutputDimension { get; }

    /// <summary>Embeds one image region of shape (3, H, W), float32 in [0, 1]. Deterministic: same input, same output.</summary>
    float[] Embed(Tensor imageRegion);
}
