using CaptionBoundaries.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Architectures;

/// <summary>
/// Classifier over [pooled image features, spatial features, font embedding]:
/// Linear -> 1024 -> ReLU -> Dropout -> Linear -> 512 -> ReLU -> Dropout -> Linear -> 5 logits.
/// </summary>
public sealed class FusionHead : nn.Module<Tensor, Tensor>
{
    public const long SideFeatures = TaskSpec.SpatialFeatureCount + TaskSpec.FontEmbeddingDimension;

    private readonly Linear fc1;
    private readonly ReLU relu1;
    private readonly Dropout dropout1;
    private readonly Linear fc2;
    private readonly ReLU relu2;
    private readonly Dropout dropout2;
    private readonly Linear fc3;

    public FusionHead(long pooledFeatures, double dropout) : base(nameof(FusionHead))
    {
        fc1 = nn.Linear(pooledFeatures + SideFeatures, 1024);
        relu1 = nn.ReLU();
        dropout1 = nn.Dropout(dropout);
        fc2 = nn.Linear(1024, 512);
        relu2 = nn.ReLU();
        dropout2 = nn.Dropout(dropout);
        fc3 = nn.Linear(512, TaskSpec.ClassCount);
        RegisterComponents();
    }

    public static long ParameterCount(long pooledFeatures) =>
        (pooledFeatures + SideFeatures + 1) * 1024 + (1024 + 1) * 512 + (512 + 1) * TaskSpec.ClassCount;

    /// <summary>Concatenates the pooled image features with the two side inputs and classifies.</summary>
    public Tensor forward(IEnumerable<Tensor> pooled, CaptionInputs inputs)
    {
        using var features = cat([.. pooled, inputs.SpatialFeatures, inputs.FontEmbedding], 1);
        return forward(features);
    }

    public override Tensor forward(Tensor features)
    {
        using var h1 = fc1.forward(features);
        using var a1 = relu1.forward(h1);
        using var d1 = dropout1.forward(a1);
        using var h2 = fc2.forward(d1);
        using var a2 = relu2.forward(h2);
        using var d2 = dropout2.forward(a2);
        return fc3.forward(d2);
    }
}
