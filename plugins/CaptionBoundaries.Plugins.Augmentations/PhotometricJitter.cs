using CaptionBoundaries.Contracts;
using static TorchSharp.torch;

namespace CaptionBoundaries.Plugins.Augmentations;

/// <summary>
/// Per-sample brightness and contrast jitter, applied identically to frame1 and frame2 of a pair: the
/// label depends on whether the two frames' captions match, so jittering them differently would turn
/// "same" pairs into apparent "different" ones. The OCR visualisation and the vectors are geometry,
/// not photometry, so they are left alone.
/// </summary>
public sealed class PhotometricJitter : IAugmentationStrategy
{
    /// <summary>Brightness offset is drawn uniformly from [-MaxBrightnessShift, +MaxBrightnessShift].</summary>
    public const float MaxBrightnessShift = 0.15f;

    /// <summary>Contrast factor is drawn uniformly from [1 - MaxContrastChange, 1 + MaxContrastChange].</summary>
    public const float MaxContrastChange = 0.25f;

    // Contrast pivots on mid-grey rather than each frame's mean, so both frames of a pair get the exact same mapping.
    private const float ContrastPivot = 0.5f;

    public string Name => "photometric_jitter";

    public string Description =>
        $"Per-sample brightness (±{MaxBrightnessShift}) and contrast (×1±{MaxContrastChange}) jitter, identical for frame1 and frame2; values clamped to [0, 1].";

    public CaptionInputs Apply(CaptionInputs batch, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(generator);
        var n = batch.BatchSize;
        var device = batch.Frame1.device;

        // Drawn on the CPU generator and then moved, so results do not depend on the training device.
        using var scope = NewDisposeScope();
        var uniform = rand(new long[] { 2, n }, dtype: ScalarType.Float32, generator: generator).to(device);
        var brightness = ((uniform[0] * 2 - 1) * MaxBrightnessShift).view(n, 1, 1, 1);
        var contrast = (1 + (uniform[1] * 2 - 1) * MaxContrastChange).view(n, 1, 1, 1);

        var frame1 = Jitter(batch.Frame1, contrast, brightness);
        var frame2 = Jitter(batch.Frame2, contrast, brightness);
        var result = new CaptionInputs(
            frame1, frame2, batch.OcrViz.clone(), batch.SpatialFeatures.clone(), batch.FontEmbedding.clone());
        foreach (var t in result.Tensors) t.MoveToOuterDisposeScope();
        return result;
    }

    private static Tensor Jitter(Tensor frames, Tensor contrast, Tensor brightness) =>
        ((frames - ContrastPivot) * contrast + ContrastPivot + brightness).clamp(0f, 1f);
}
