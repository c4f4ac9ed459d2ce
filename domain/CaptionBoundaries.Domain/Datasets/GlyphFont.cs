namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// A built-in 5x7 bitmap font (A-Z, 0-9) so synthetic captions are rendered without any font file,
/// identically on every machine.
/// </summary>
public static class GlyphFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 7;

    /// <summary>Horizontal advance per character in font pixels (glyph plus one column of spacing).</summary>
    public const int Advance = GlyphWidth + 1;

    /// <summary>Characters the font can draw, in the order the generator samples from.</summary>
    public const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private static readonly Dictionary<char, string[]> Patterns = new()
    {
        ['A'] = [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
        ['B'] = ["####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."],
        ['C'] = [".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."],
        ['D'] = ["###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."],
        ['E'] = ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
        ['F'] = ["#####", "#....", "#....", "####.", "#....", "#....", "#...."],
        ['G'] = [".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"],
        ['H'] = ["#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
        ['I'] = [".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."],
        ['J'] = ["..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."],
        ['K'] = ["#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"],
        ['L'] = ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
        ['M'] = ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"],
        ['N'] = ["#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"],
        ['O'] = [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
        ['P'] = ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
        ['Q'] = [".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"],
        ['R'] = ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
        ['S'] = [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
        ['T'] = ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
        ['U'] = ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
        ['V'] = ["#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."],
        ['W'] = ["#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."],
        ['X'] = ["#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"],
        ['Y'] = ["#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."],
        ['Z'] = ["#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"],
        ['0'] = [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
        ['1'] = ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
        ['2'] = [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
        ['3'] = ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
        ['4'] = ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
        ['5'] = ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
        ['6'] = ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
        ['7'] = ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
        ['8'] = [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
        ['9'] = [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
        [' '] = [".....", ".....", ".....", ".....", ".....", ".....", "....."],
    };

    public static bool Supports(char c) => Patterns.ContainsKey(char.ToUpperInvariant(c));

    /// <summary>Whether font pixel (column x, row y) of <paramref name="c"/> is ink.</summary>
    public static bool IsInk(char c, int x, int y)
    {
        if (!Patterns.TryGetValue(char.ToUpperInvariant(c), out var rows))
            throw new ArgumentException($"GlyphFont has no glyph for '{c}'; it draws A-Z, 0-9 and space.", nameof(c));
        return x >= 0 && x < GlyphWidth && y >= 0 && y < GlyphHeight && rows[y][x] == '#';
    }

    /// <summary>Pixel width of <paramref name="text"/> at an integer scale (no trailing spacing).</summary>
    public static int TextWidth(string text, int scale) => text.Length == 0 ? 0 : (text.Length * Advance - 1) * scale;

    public static int TextHeight(int scale) => GlyphHeight * scale;

    /// <summary>The ink mask of <paramref name="text"/> at a scale, as [row, column].</summary>
    public static bool[,] Render(string text, int scale)
    {
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Glyph scale must be at least 1.");
        var mask = new bool[TextHeight(scale), TextWidth(text, scale)];
        for (var i = 0; i < text.Length; i++)
            for (var y = 0; y < mask.GetLength(0); y++)
                for (var x = 0; x < GlyphWidth * scale; x++)
                    if (IsInk(text[i], x / scale, y / scale))
                        mask[y, i * Advance * scale + x] = true;
        return mask;
    }
}
