using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Augmentations;

/// <summary>
/// Column indices of one frame's block in <see cref="TaskSpec.SpatialFeatureNames"/> (10 per frame, frame2 after frame1).
/// Geometric augmentations must move these together with the pixels, or the vectors would describe boxes that are
/// no longer where the images show them.
/// </summary>
internal static class SpatialFeatureLayout
{
    public const int PerFrame = TaskSpec.SpatialFeatureCount / 2;
    public const int HasCaption = 0, X0 = 1, Y0 = 2, X1 = 3, Y1 = 4, Width = 5, Height = 6, CenterX = 7, CenterY = 8;

    public static readonly int[] FrameOffsets = [0, PerFrame];

    /// <summary>
    /// Only frames with a caption have geometry: frames without one carry zeros, which a transform must not turn into
    /// a phantom box (mirroring zeros would give x0 = 1).
    /// </summary>
    public static Tensor HasCaptionMask(Tensor features, int offset) =>
        features[.., offset + HasCaption].ge(0.5f).unsqueeze(1);
}
