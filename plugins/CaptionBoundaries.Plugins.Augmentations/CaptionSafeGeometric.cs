using CaptionBoundaries.Contracts;
using TorchSharp;
using static CaptionBoundaries.Plugins.Augmentations.SpatialFeatureLayout;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Augmentations;

/// <summary>
/// A small per-sample horizontal shift and zoom, applied identically to frame1, frame2 and ocr_viz of a pair.
/// The zoom is anchored at the bottom edge, so the crop only ever removes rows from the top and from the sides:
/// an output row at height fraction y reads the input at 1 - s·(1 - y) with s ≥ 1/<see cref="MaxZoom"/>, hence the
/// bottom 30% of the output comes entirely from inside the input and the input's caption band stays in frame.
/// Pixels sampled beyond the left/right edges are filled by reflection rather than black, which would look like a
/// letterbox border appearing between frames.
/// The spatial features are moved with the pixels (same affine map, clamped to the frame), because they are
/// normalised box coordinates the model compares with what it sees. The font embedding is left alone: it describes
/// glyph style, which a shift or a zoom of at most 10% does not change.
/// </summary>
public sealed class CaptionSafeGeometric : IAugmentationStrategy
{
    /// <summary>The horizontal shift is drawn uniformly from ±MaxShiftFraction of the width.</summary>
    public const float MaxShiftFraction = 0.06f;

    /// <summary>The zoom factor is drawn uniformly from [1, MaxZoom].</summary>
    public const float MaxZoom = 1.1f;

    public string Name => "caption_safe_geometric";

    public string Description =>
        $"Per-sample horizontal shift (±{MaxShiftFraction:P0} of the width) and bottom-anchored zoom (×1 to ×{MaxZoom}), " +
        "identical for frame1, frame2 and ocr_viz; never crops the bottom 30% caption band; box coordinates follow the pixels.";

    public CaptionInputs Apply(CaptionInputs batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(generator);
        var n = batch.BatchSize;
        var device = batch.Frame1.device;

        using var scope = NewDisposeScope();
        // Drawn on the CPU generator and then moved, so results do not depend on the training device.
        var uniform = rand(new long[] { 2, n }, dtype: ScalarType.Float32, generator: generator).to(device);
        // s < 1 is the fraction of the input seen: zooming in by 1/s.
        var s = 1f / (1f + uniform[0] * (MaxZoom - 1f));
        // Affine grids work in [-1, 1], twice the [0, 1] span the shift fraction is expressed in.
        var tx = (uniform[1] * 2f - 1f) * (2f * MaxShiftFraction);
        var ty = 1f - s;
        var zeros = torch.zeros_like(s);
        var theta = stack(new[] { stack(new[] { s, zeros, tx }, 1), stack(new[] { zeros, s, ty }, 1) }, 1);

        var frame1 = Warp(batch.Frame1, theta);
        var frame2 = Warp(batch.Frame2, theta);
        var ocr = Warp(batch.OcrViz, theta);
        var features = MoveBoxes(batch.SpatialFeatures, s, tx, ty);
        var result = new CaptionInputs(frame1, frame2, ocr, features, batch.FontEmbedding.clone());
        foreach (var t in result.Tensors) t.MoveToOuterDisposeScope();
        return result;
    }

    private static Tensor Warp(Tensor images, Tensor theta)
    {
        var grid = nn.functional.affine_grid(theta, images.shape, align_corners: false);
        return nn.functional.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Reflection, align_corners: false)
            .clamp(0f, 1f);
    }

    /// <summary>
    /// The grid reads the input at p = s·u + t (in [-1, 1]); inverting that for a [0, 1] coordinate c gives
    /// c' = ((2c - 1 - t) / s + 1) / 2.
    /// </summary>
    private static Tensor MoveBoxes(Tensor features, Tensor s, Tensor tx, Tensor ty)
    {
        var result = features.clone();
        var scale = s.to(features.device);
        Tensor Map(Tensor c, Tensor t) => (((c * 2f - 1f - t) / scale + 1f) / 2f).clamp(0f, 1f);

        foreach (var o in FrameOffsets)
        {
            var x0 = Map(features[.., o + X0], tx);
            var x1 = Map(features[.., o + X1], tx);
            var y0 = Map(features[.., o + Y0], ty);
            var y1 = Map(features[.., o + Y1], ty);
            var moved = stack(new[] { x0, y0, x1, y1, x1 - x0, y1 - y0, (x0 + x1) / 2f, (y0 + y1) / 2f }, 1);
            var block = result[.., (o + X0)..(o + CenterY + 1)];
            block.copy_(where(HasCaptionMask(features, o), moved, block));
        }
        return result;
    }
}
