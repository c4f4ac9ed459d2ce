using System.Globalization;

namespace CaptionBoundaries.Ui.Models;

/// <summary>
/// Numbers as people paste them into a text box: separated by commas, spaces, semicolons or new lines, optionally in
/// [brackets] (a JSON array pasted from a manifest). How many there must be is the validator's to say, with the field named.
/// </summary>
public static class NumberList
{
    private static readonly char[] Separators = [',', ' ', ';', '\t', '\r', '\n'];

    /// <summary>The numbers, null for blank text; <paramref name="error"/> names the first thing that is not a finite number.</summary>
    public static float[]? Parse(string? text, out string? error)
    {
        error = null;
        var trimmed = (text ?? "").Trim();
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']')) trimmed = trimmed[1..^1];
        if (trimmed.Length == 0) return null;
        var parts = trimmed.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        var numbers = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !float.IsFinite(numbers[i]))
            {
                error = $"'{Excerpt(parts[i])}' (value {i + 1}) is not a number.";
                return null;
            }
        }
        return numbers;
    }

    public static string Format(IEnumerable<float> numbers) =>
        string.Join(", ", numbers.Select(n => n.ToString("0.######", CultureInfo.InvariantCulture)));

    private static string Excerpt(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
