using System.Globalization;
using System.Text.RegularExpressions;

namespace CaptionBoundaries.Domain.Common;

/// <summary>
/// Memory sizes as people write them in settings ("12GiB", "512 MiB", "1.5GB", "1073741824") and as messages show
/// them ("37.2 GiB"). GB and GiB both mean 2^30 here: a memory limit is about RAM, which is counted in powers of two.
/// </summary>
public static partial class ByteSize
{
    public const long KiB = 1L << 10, MiB = 1L << 20, GiB = 1L << 30, TiB = 1L << 40;

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (text is null) return false;
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return false;
        var unit = match.Groups["u"].Value.ToUpperInvariant().Replace("I", "").TrimEnd('B');
        long scale = unit switch { "" => 1, "K" => KiB, "M" => MiB, "G" => GiB, "T" => TiB, _ => 0 };
        var value = n * scale;
        if (scale == 0 || value <= 0 || value >= long.MaxValue) return false;
        bytes = (long)value;
        return true;
    }

    /// <summary>"37.2 GiB", "512 MiB": one decimal, the largest unit that keeps the number at least 1.</summary>
    public static string Format(long bytes)
    {
        var (scale, unit) = bytes >= TiB ? (TiB, "TiB") : bytes >= GiB ? (GiB, "GiB") : bytes >= MiB ? (MiB, "MiB") : bytes >= KiB ? (KiB, "KiB") : (1L, "B");
        var value = (double)bytes / scale;
        return scale == 1 ? $"{bytes} B" : value.ToString(value % 1 == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + unit;
    }

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>(k|m|g|t)i?b?|b)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
