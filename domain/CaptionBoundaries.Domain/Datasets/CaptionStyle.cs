namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// The look of one show's captions: glyph scale, colours, box padding, optional glyph outline, bottom margin.
/// Both frames of a pair share it, as consecutive frames of one video do; only text and position vary.
/// </summary>
internal sealed record CaptionStyle(int Scale, int Padding, Rgb Text, Rgb Box, Rgb? Outline, int BottomMargin)
{
    private static readonly Rgb[] TextColours =
    [
        new(1, 1, 1), new(1, 0.95, 0.3), new(0.6, 1, 1), new(0.85, 0.85, 0.85), new(1, 0.75, 0.9),
    ];

    /// <summary>
    /// The base glyph scale keeps strokes at least ~1.3 pixels wide after resizing to a 64-pixel-high model
    /// input (scale 2 at height 64), so a text change is a visible pixel difference for a small CNN.
    /// </summary>
    public static int BaseScale(int imageHeight) => Math.Max(1, imageHeight / 32);

    public static CaptionStyle Random(Random rng, int width, int height)
    {
        var scale = BaseScale(height);
        if (rng.NextDouble() < 0.3 && MaxChars(width, scale + 1) >= 3) scale++;
        var text = TextColours[rng.Next(TextColours.Length)].Shift((rng.NextDouble() - 0.5) * 0.15);
        var darkness = rng.NextDouble() * 0.15;
        var box = new Rgb(darkness + rng.NextDouble() * 0.05, darkness + rng.NextDouble() * 0.05, darkness + rng.NextDouble() * 0.05);
        Rgb? outline = rng.NextDouble() < 0.4 ? new Rgb(0.3, 0.3, 0.3).Shift(rng.NextDouble() * 0.1) : null;
        var bottomMargin = 2 + rng.Next(Math.Max(1, height / 16));
        return new CaptionStyle(scale, scale + 1, text, box, outline, bottomMargin);
    }

    /// <summary>How many characters fit across the image at a scale, leaving a pixel of margin on each side.</summary>
    public static int MaxChars(int width, int scale) => (width - 2 * (scale + 1) - 2 + scale) / (GlyphFont.Advance * scale);
}
