using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// Renders one labelled pair: two frames with captions per the class, the simulated OCR visualisation
/// and the spatial features derived from the simulated OCR boxes.
/// </summary>
internal sealed record SyntheticSample(RgbImage Frame1, RgbImage Frame2, RgbImage OcrViz, float[] SpatialFeatures, float[]? CaptionBox)
{
    /// <summary>char_count is stored divided by this, so typical captions land in [0, 1].</summary>
    public const float CharCountScale = 32f;

    public static SyntheticSample Render(Random rng, string label, int width, int height)
    {
        var background = new SyntheticBackground(rng, width, height);
        var style = CaptionStyle.Random(rng, width, height);
        var (caption1, caption2) = Captions(rng, label, style, width, height);

        var frame1 = new Canvas(width, height);
        var frame2 = new Canvas(width, height);
        background.Paint(frame1, rng, 0);
        background.Paint(frame2, rng, 1);
        caption1?.Draw(frame1);
        caption2?.Draw(frame2);

        // OCR never returns the exact box: jitter each detected edge by up to a pixel.
        var ocr1 = caption1 is null ? (PixelBox?)null : Detect(rng, caption1.Box, width, height);
        var ocr2 = caption2 is null ? (PixelBox?)null : Detect(rng, caption2.Box, width, height);

        var features = new float[TaskSpec.SpatialFeatureCount];
        WriteFeatures(features, 0, ocr1, caption1?.Text.Length ?? 0, width, height);
        WriteFeatures(features, TaskSpec.SpatialFeatureCount / 2, ocr2, caption2?.Text.Length ?? 0, width, height);

        var captionBox = (caption2 ?? caption1)?.Box.Normalised(width, height);
        return new SyntheticSample(frame1.ToImage(), frame2.ToImage(), OcrVisualisation(ocr1, ocr2, width, height).ToImage(), features, captionBox);
    }

    private static (SyntheticCaption?, SyntheticCaption?) Captions(Random rng, string label, CaptionStyle style, int width, int height)
    {
        SyntheticCaption New(string? differentFrom = null) =>
            SyntheticCaption.Place(rng, SyntheticCaption.RandomText(rng, width, style.Scale, differentFrom), style, width, height);

        switch (label)
        {
            case "same":
                var shown = New();
                return (shown, shown);
            case "different":
                var first = New();
                return (first, New(first.Text));
            case "empty_empty":
                return (null, null);
            case "empty_valid":
                return (null, New());
            case "valid_empty":
                return (New(), null);
            default:
                throw new ArgumentException($"Unknown class '{label}'; expected one of {string.Join(", ", TaskSpec.Classes)}.", nameof(label));
        }
    }

    private static PixelBox Detect(Random rng, PixelBox box, int width, int height)
    {
        var detected = new PixelBox(
            box.X0 + rng.Next(-1, 2), box.Y0 + rng.Next(-1, 2), box.X1 + rng.Next(-1, 2), box.Y1 + rng.Next(-1, 2)).ClampTo(width, height);
        return detected.IsEmpty ? box : detected;
    }

    /// <summary>Writes has_caption, x0, y0, x1, y1, width, height, center_x, center_y, char_count; all zeros without a caption.</summary>
    private static void WriteFeatures(float[] target, int offset, PixelBox? box, int charCount, int width, int height)
    {
        if (box is not { } b) return;
        float x0 = (float)b.X0 / width, y0 = (float)b.Y0 / height, x1 = (float)b.X1 / width, y1 = (float)b.Y1 / height;
        float[] values = [1f, x0, y0, x1, y1, x1 - x0, y1 - y0, (x0 + x1) / 2, (y0 + y1) / 2, charCount / CharCountScale];
        values.CopyTo(target, offset);
    }

    /// <summary>Red = frame1 boxes, green = frame2 boxes, blue = where they overlap; black elsewhere.</summary>
    private static Canvas OcrVisualisation(PixelBox? box1, PixelBox? box2, int width, int height)
    {
        var canvas = new Canvas(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var in1 = box1?.Contains(x, y) ?? false;
                var in2 = box2?.Contains(x, y) ?? false;
                if (in1) canvas.SetChannel(x, y, 0, 1);
                if (in2) canvas.SetChannel(x, y, 1, 1);
                if (in1 && in2) canvas.SetChannel(x, y, 2, 1);
            }
        }
        return canvas;
    }
}
