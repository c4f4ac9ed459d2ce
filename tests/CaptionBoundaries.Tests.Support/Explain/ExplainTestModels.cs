using CaptionBoundaries.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CaptionBoundaries.Tests.Explain;

/// <summary>
/// A model whose sensitivity is fixed by hand, so Grad-CAM's answer is known exactly: a 1x1 conv lights up where
/// ocr_viz is bright (sum of channels above 0.5), a 4x4 average pool makes it a coarse "last stage" map A, and
/// class 0's logit is mean(A) while class 1's is -mean(A). Grad-CAM of class 0 is therefore A itself (upsampled);
/// of class 1, relu of a negative map: nothing.
/// </summary>
internal sealed class BrightRegionModel : CaptionBoundaryModel, IExposesConvFeatures
{
    public const int Pool = 4;

    private readonly Sequential features;
    private readonly bool hookable;

    /// <param name="hookable">False: the model runs its stage through forward(), so no hook can see it (a contract breach).</param>
    public BrightRegionModel(bool hookable = true) : base("bright_region")
    {
        this.hookable = hookable;
        var detect = nn.Conv2d(3, 1, 1);
        using (no_grad())
        {
            detect.weight.fill_(1f);
            detect.bias!.fill_(-0.5f);
        }
        features = nn.Sequential(("detect", detect), ("relu", nn.ReLU()), ("pool", nn.AvgPool2d(Pool)));
        RegisterComponents();
    }

    public IReadOnlyList<ConvFeatureSource> LastConvStages => [new("features", features, [TaskSpec.OcrViz])];

    protected override Tensor ForwardLogits(CaptionInputs inputs)
    {
        using var scope = NewDisposeScope();
        var maps = hookable ? features.call(inputs.OcrViz) : features.forward(inputs.OcrViz);
        var score = maps.mean([1, 2, 3]);
        var zero = zeros_like(score);
        return stack([score, -score, zero, zero, zero], 1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// <see cref="BrightRegionModel"/> plus spatial attention: a softmax over the positions of ocr_viz's pooled brightness
/// (times 20, so it is sharp), exposed as (batch, h, w) weights.
/// </summary>
internal sealed class AttentiveBrightRegionModel : CaptionBoundaryModel, IExposesConvFeatures, IExposesAttention
{
    private readonly Sequential features;
    private readonly SpatialSoftmax attention;

    public AttentiveBrightRegionModel() : base("attentive_bright_region")
    {
        var detect = nn.Conv2d(3, 1, 1);
        using (no_grad())
        {
            detect.weight.fill_(1f);
            detect.bias!.fill_(-0.5f);
        }
        features = nn.Sequential(("detect", detect), ("relu", nn.ReLU()), ("pool", nn.AvgPool2d(BrightRegionModel.Pool)));
        attention = new SpatialSoftmax(20f);
        RegisterComponents();
    }

    public IReadOnlyList<ConvFeatureSource> LastConvStages => [new("features", features, [TaskSpec.OcrViz])];

    public IReadOnlyList<AttentionSource> AttentionMaps => [new("attention", attention, [TaskSpec.OcrViz])];

    protected override Tensor ForwardLogits(CaptionInputs inputs)
    {
        using var scope = NewDisposeScope();
        var maps = features.call(inputs.OcrViz);
        var weights = attention.call(maps);
        var attended = (maps.squeeze(1) * weights).sum([1, 2]);
        var zero = zeros_like(attended);
        return stack([attended, -attended, zero, zero, zero], 1).MoveToOuterDisposeScope();
    }

    /// <summary>(batch, 1, h, w) scores to (batch, h, w) weights summing to 1 per sample.</summary>
    private sealed class SpatialSoftmax(float sharpness) : nn.Module<Tensor, Tensor>("spatial_softmax")
    {
        public override Tensor forward(Tensor scores)
        {
            var (b, h, w) = (scores.shape[0], scores.shape[2], scores.shape[3]);
            using var flat = scores.reshape(b, h * w).mul(sharpness);
            using var soft = flat.softmax(1);
            return soft.reshape(b, h, w);
        }
    }
}

/// <summary>Inputs whose ocr_viz is black with a white horizontal band over <paramref name="bandRows"/>.</summary>
internal static class BandInputs
{
    /// <summary>Owns the tensors: dispose it.</summary>
    public sealed record Batch(CaptionInputs Inputs) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in Inputs.Tensors) t.Dispose();
        }
    }

    public static Batch Make(int height, int width, params (int From, int To)[] bandRows)
    {
        var batch = bandRows.Length;
        var ocr = zeros(batch, 3, height, width);
        for (var i = 0; i < batch; i++)
        {
            using var band = ocr[i, TensorIndex.Colon, TensorIndex.Slice(bandRows[i].From, bandRows[i].To), TensorIndex.Colon];
            band.fill_(1f);
        }
        return new Batch(new CaptionInputs(
            zeros(batch, 3, height, width), zeros(batch, 3, height, width), ocr,
            zeros(batch, TaskSpec.SpatialFeatureCount), zeros(batch, TaskSpec.FontEmbeddingDimension)));
    }

    /// <summary>Share of the heat in rows [from, to).</summary>
    public static double MassInRows(float[] values, int width, int from, int to)
    {
        double inside = 0, total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            total += values[i];
            var row = i / width;
            if (row >= from && row < to) inside += values[i];
        }
        return total == 0 ? 0 : inside / total;
    }

    /// <summary>The heat-weighted mean row.</summary>
    public static double CentroidRow(float[] values, int width)
    {
        double weighted = 0, total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            weighted += values[i] * (i / width);
            total += values[i];
        }
        return total == 0 ? double.NaN : weighted / total;
    }
}
