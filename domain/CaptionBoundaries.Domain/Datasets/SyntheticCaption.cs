namespace CaptionBoundaries.Domain.Datasets;

/// <summary>One rendered caption: its text, style and the pixel box (dark background box) it occupies.</summary>
internal sealed record SyntheticCaption(string Text, CaptionStyle Style, PixelBox Box)
{
    public const int MinLength = 3;
    public const int MaxLength = 8;

    public static string RandomText(Random rng, int width, int scale, string? differentFrom = null)
    {
        var longest = Math.Clamp(CaptionStyle.MaxChars(width, scale), MinLength, MaxLength);
        while (true)
        {
            var chars = new char[rng.Next(MinLength, longest + 1)];
            for (var i = 0; i < chars.Length; i++) chars[i] = GlyphFont.Alphabet[rng.Next(GlyphFont.Alphabet.Length)];
            var text = new string(chars);
            if (text != differentFrom) return text;
        }
    }

    /// <summary>Centres the caption near the bottom with a little horizontal jitter, kept inside the image.</summary>
    public static SyntheticCaption Place(Random rng, string text, CaptionStyle style, int width, int height)
    {
        var boxWidth = GlyphFont.TextWidth(text, style.Scale) + 2 * style.Padding;
        var boxHeight = GlyphFont.TextHeight(style.Scale) + 2 * style.Padding;
        var jitter = Math.Max(0, Math.Min(width / 12, (width - boxWidth) / 2 - 1));
        var x0 = (width - boxWidth) / 2 + rng.Next(-jitter, jitter + 1);
        x0 = Math.Clamp(x0, 0, Math.Max(0, width - boxWidth));
        var y1 = height - style.BottomMargin;
        var y0 = Math.Max(0, y1 - boxHeight);
        return new SyntheticCaption(text, style, new PixelBox(x0, y0, x0 + boxWidth, y1).ClampTo(width, height));
    }

    /// <summary>Opaque box, then the optional outline, then the glyphs: the box hides the moving background, so an unchanged caption is pixel-identical between frames.</summary>
    public void Draw(Canvas canvas)
    {
        canvas.Fill(Box, Style.Box);
        var mask = GlyphFont.Render(Text, Style.Scale);
        var ox = Box.X0 + Style.Padding;
        var oy = Box.Y0 + Style.Padding;
        var rows = mask.GetLength(0);
        var cols = mask.GetLength(1);
        if (Style.Outline is { } outline)
        {
            for (var y = -1; y <= rows; y++)
                for (var x = -1; x <= cols; x++)
                    if (!Ink(mask, x, y) && HasInkNeighbour(mask, x, y) && Box.Contains(ox + x, oy + y))
                        canvas.Set(ox + x, oy + y, outline);
        }
        for (var y = 0; y < rows; y++)
            for (var x = 0; x < cols; x++)
                if (mask[y, x] && Box.Contains(ox + x, oy + y))
                    canvas.Set(ox + x, oy + y, Style.Text);
    }

    private static bool Ink(bool[,] mask, int x, int y) =>
        y >= 0 && x >= 0 && y < mask.GetLength(0) && x < mask.GetLength(1) && mask[y, x];

    private static bool HasInkNeighbour(bool[,] mask, int x, int y)
    {
        for (var dy = -1; dy <= 1; dy++)
            for (var dx = -1; dx <= 1; dx++)
                if ((dx != 0 || dy != 0) && Ink(mask, x + dx, y + dy)) return true;
        return false;
    }
}
