using CaptionBoundaries.Contracts;
using static CaptionBoundaries.Plugins.Augmentations.SpatialFeatureLayout;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Augmentations;

/// <summary>
/// The mirror-tile transform: with probability <see cref="Probability"/> per sample, frame1, frame2 and ocr_viz are
/// mirrored horizontally together, then a narrow margin at each side (0 to <see cref="MaxEdgeFraction"/> of the width,
/// drawn per sample) is repainted with the reflection of the columns just inside it. The mirror alone teaches that a
/// caption's side does not matter; the tiled margin hides the frame borders (logos, letterbox edges) that would
/// otherwise let the model tell mirrored frames from real ones.
/// Box coordinates are mirrored exactly (x0' = 1 - x1, x1' = 1 - x0, center_x' = 1 - center_x; y, sizes and counts
/// unchanged). The margin repaints pixels without moving any, so it needs no coordinate change; a box reaching into the
/// outer 1/16 keeps its extent. The font embedding is left alone: it is computed once per sample before training.
/// </summary>
public sealed class MirrorTile : IAugmentationStrategy
{
    public const float DefaultProbability = 0.5f;

    /// <summary>The repainted margin at each side is at most this fraction of the width.</summary>
    public const float MaxEdgeFraction = 1f / 16f;

    public MirrorTile() : this(DefaultProbability)
    {
    }

    public MirrorTile(float probability)
    {
        if (!(probability is >= 0f and <= 1f))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The mirror probability must be in [0, 1].");
        Probability = probability;
    }

    public float Probability { get; }

    public string Name => "mirror_tile";

    public string Description =>
        $"With probability {Probability} per sample: mirror frame1, frame2 and ocr_viz horizontally and repaint up to " +
        $"{MaxEdgeFraction:P1} of the width at each side by reflection; box x coordinates mirrored.";

    public CaptionInputs Apply(CaptionInputs batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(generator);
        var n = batch.BatchSize;
        var width = batch.Frame1.shape[3];

        using var scope = NewDisposeScope();
        // Both draws happen for every sample, whatever the probability, so one sample's outcome never shifts another's.
        var uniform = rand(new long[] { 2, n }, dtype: ScalarType.Float32, generator: generator);
        var mirrored = uniform[0].lt(Probability);
        var maxMargin = (long)Math.Floor(width * MaxEdgeFraction);
        var margin = (uniform[1] * (maxMargin + 1)).floor().to(ScalarType.Int64).clamp_max(maxMargin);

        var columns = SourceColumns(mirrored, margin, width).to(batch.Frame1.device);
        var result = new CaptionInputs(
            Gather(batch.Frame1, columns), Gather(batch.Frame2, columns), Gather(batch.OcrViz, columns),
            MirrorBoxes(batch.SpatialFeatures, mirrored.to(batch.SpatialFeatures.device)), batch.FontEmbedding.clone());
        foreach (var t in result.Tensors) t.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// For each sample, the input column every output column reads: identity when not mirrored; otherwise the
    /// mirror (W - 1 - j) of the tiled column, where columns j &lt; m read 2m - 1 - j and j ≥ W - m read 2(W - m) - 1 - j.
    /// </summary>
    private static Tensor SourceColumns(Tensor mirrored, Tensor margin, long width)
    {
        var j = arange(width, dtype: ScalarType.Int64).unsqueeze(0);
        var m = margin.unsqueeze(1);
        var tiled = where(j.lt(m), m * 2 - 1 - j, where(j.ge(width - m), (width - m) * 2 - 1 - j, j));
        return where(mirrored.unsqueeze(1), (width - 1) - tiled, j.expand(mirrored.shape[0], width));
    }

    private static Tensor Gather(Tensor images, Tensor columns)
    {
        var s = images.shape;
        var index = columns.view(s[0], 1, 1, s[3]).expand(s[0], s[1], s[2], s[3]);
        return images.gather(3, index);
    }

    private static Tensor MirrorBoxes(Tensor features, Tensor mirrored)
    {
        var result = features.clone();
        foreach (var o in FrameOffsets)
        {
            var flip = mirrored.unsqueeze(1).logical_and(HasCaptionMask(features, o)).squeeze(1);
            var x0 = features[.., o + X0];
            var x1 = features[.., o + X1];
            result[.., o + X0] = where(flip, 1f - x1, x0);
            result[.., o + X1] = where(flip, 1f - x0, x1);
            result[.., o + CenterX] = where(flip, 1f - features[.., o + CenterX], features[.., o + CenterX]);
        }
        return result;
    }
}
