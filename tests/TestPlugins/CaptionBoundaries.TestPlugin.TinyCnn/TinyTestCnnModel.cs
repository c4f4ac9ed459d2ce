using CaptionBoundaries.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.TestPlugin.TinyCnn;

/// <summary>
/// The tiny_test_cnn module. With the default width of 16 the pooled image features are 64 wide, which with
/// the 20 spatial features and the 64-wide font embedding makes the 148 inputs of the head.
/// </summary>
public sealed class TinyTestCnnModel : CaptionBoundaryModel, IExposesConvFeatures
{
    // The three images plus their difference: the difference makes "same/different" learnable by such a small net.
    private const int InputChannels = 4 * TaskSpec.ImageChannels;
    private const int HiddenWidth = 64;

    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d averagePool;
    private readonly AdaptiveMaxPool2d maxPool;
    private readonly Linear hidden;
    private readonly Dropout dropout;
    private readonly Linear output;

    public TinyTestCnnModel(int width, double dropoutRate) : base(TinyTestCnnArchitecture.ArchitectureName)
    {
        var w2 = 2 * width;
        features = nn.Sequential(
            ("conv1", nn.Conv2d(InputChannels, width, 3, padding: 1)),
            ("bn1", nn.BatchNorm2d(width)),
            ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(width, w2, 3, padding: 1)),
            ("bn2", nn.BatchNorm2d(w2)),
            ("relu2", nn.ReLU()),
            ("pool2", nn.MaxPool2d(2)),
            ("conv3", nn.Conv2d(w2, w2, 3, padding: 1)),
            ("relu3", nn.ReLU()));
        // Average and max pooling together: max keeps small caption strokes that averaging would wash out.
        averagePool = nn.AdaptiveAvgPool2d(1);
        maxPool = nn.AdaptiveMaxPool2d([1, 1]);
        hidden = nn.Linear(2 * w2 + TaskSpec.SpatialFeatureCount + TaskSpec.FontEmbeddingDimension, HiddenWidth);
        dropout = nn.Dropout(dropoutRate);
        output = nn.Linear(HiddenWidth, TaskSpec.ClassCount);
        RegisterComponents();
    }

    /// <summary>The conv stack runs over the images stacked as channels: one map for all three.</summary>
    public IReadOnlyList<ConvFeatureSource> LastConvStages =>
        [new("features", features, [TaskSpec.Frame1, TaskSpec.Frame2, TaskSpec.OcrViz], FeatureMapLayout.Joint)];

    protected override Tensor ForwardLogits(CaptionInputs inputs)
    {
        using var scope = NewDisposeScope();
        var stacked = cat([inputs.Frame1, inputs.Frame2, inputs.OcrViz, inputs.Frame1 - inputs.Frame2], 1);
        var maps = features.call(stacked);
        var pooled = cat([averagePool.forward(maps).flatten(1), maxPool.forward(maps).flatten(1)], 1);
        var joined = cat([pooled, inputs.SpatialFeatures, inputs.FontEmbedding], 1);
        var logits = output.forward(dropout.forward(nn.functional.relu(hidden.forward(joined))));
        return logits.MoveToOuterDisposeScope();
    }
}
