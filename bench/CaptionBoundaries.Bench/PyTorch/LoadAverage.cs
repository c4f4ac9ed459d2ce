using System.Globalization;

namespace CaptionBoundaries.Bench.PyTorch;

/// <summary>The one-minute load average on Linux (/proc/loadavg), to tell when a timing was taken on a busy machine.</summary>
public static class LoadAverage
{
    public static double? ReadOneMinute()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? Parse(File.ReadAllText("/proc/loadavg")) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The first field of a /proc/loadavg line ("0.52 0.58 0.59 1/467 12345"); null when it is not a number.</summary>
    public static double? Parse(string line) =>
        double.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : null;
}
