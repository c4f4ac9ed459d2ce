using System.Diagnostics;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Infrastructure.Monitoring;
using Xunit.Abstractions;

namespace CaptionBoundaries.Tests.Monitoring;

public sealed class InputStatisticsTests(ITestOutputHelper output)
{
    private static DatasetSample Sample(int height, int width, Func<int, int, int, byte> frame1, Func<int, int, int, byte> frame2, byte ocr) =>
        new("s", 0, "val",
            Planes(height, width, frame1), Planes(height, width, frame2), Planes(height, width, (_, _, _) => ocr),
            [1, 0.5f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5f], new float[64]);

    private static byte[] Planes(int height, int width, Func<int, int, int, byte> value)
    {
        var planes = new byte[3 * height * width];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                    planes[(c * height + y) * width + x] = value(c, y, x);
        return planes;
    }

    [Fact]
    public void StatisticsOfAHandMadeSample()
    {
        // frame1: all 51 (0.2); frame2: top half 0, bottom half 255 (mean 0.5, std 0.5; its bottom quarter is all 255: std 0);
        // |f2 − f1| is 51 on the top half and 204 on the bottom: mean 127.5/255 = 0.5; ocr_viz all 255: ink 1;
        // spatial features sum to 2 over 20: 0.1.
        var s = InputStatistics.Compute(Sample(8, 4, (_, _, _) => 51, (_, y, _) => (byte)(y < 4 ? 0 : 255), 255), 8, 4);
        Assert.Equal([0.2, 0, 0.5, 0.5, 0.5, 1, 0, 0.1], s.Select(v => Math.Round(v, 9)));
        Assert.Equal(InputStatistics.Names.Count, s.Length);
    }

    [Fact]
    public void ComputingTheStatisticsCostsMicrosecondsAtModelResolution()
    {
        var sample = Sample(64, 64, (c, y, x) => (byte)(x * 4 + c), (c, y, x) => (byte)(y * 4 + c), 30);
        for (var i = 0; i < 200; i++) InputStatistics.Compute(sample, 64, 64);
        var times = new List<double>();
        for (var i = 0; i < 2000; i++)
        {
            var started = Stopwatch.GetTimestamp();
            InputStatistics.Compute(sample, 64, 64);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }
        times.Sort();
        output.WriteLine($"input statistics at 64x64: median {times[times.Count / 2]:F1} µs, p95 {times[(int)(times.Count * 0.95)]:F1} µs");
        Assert.True(times[times.Count / 2] < 1000, $"median {times[times.Count / 2]} µs");
    }
}
