using System.Globalization;
using System.Text.RegularExpressions;

namespace CaptionBoundaries.Bench.Load;

/// <summary>Durations as people type them: 30s, 500ms, 2m, 1h, 1m30s, or hh:mm:ss.</summary>
public static partial class DurationText
{
    public static TimeSpan Parse(string text)
    {
        text = text.Trim();
        if (TimeSpan.TryParseExact(text, [@"h\:mm\:ss", @"hh\:mm\:ss", @"m\:ss"], CultureInfo.InvariantCulture, out var span)) return span;
        var parts = Part().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(m => m.Value)) != text)
            throw new ArgumentException($"--duration '{text}' is not a duration; use e.g. 30s, 500ms, 2m, 1m30s.");
        var total = TimeSpan.Zero;
        foreach (Match m in parts)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromHours(n),
            };
        }
        return total;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h)")]
    private static partial Regex Part();
}
