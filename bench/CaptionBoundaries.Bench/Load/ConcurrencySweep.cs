using System.Globalization;

namespace CaptionBoundaries.Bench.Load;

/// <summary>
/// The same load run at several concurrency levels, one after another, so throughput and tail latency can be read side
/// by side: where throughput stops growing with more requests in flight, the extra ones only wait in queues.
/// </summary>
public static class ConcurrencySweep
{
    public const int MaxLevels = 16;

    /// <summary>"1,8,32" → [1, 8, 32]: each level 1..<see cref="LoadSettings.MaxConcurrency"/>, none repeated, in the order given.</summary>
    public static IReadOnlyList<int> ParseLevels(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException("--concurrency-sweep needs comma-separated levels, e.g. 1,8,32.");
        if (parts.Length > MaxLevels) throw new ArgumentException($"--concurrency-sweep takes at most {MaxLevels} levels, got {parts.Length}.");
        var levels = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var level) || level is < 1 or > LoadSettings.MaxConcurrency)
                throw new ArgumentException($"--concurrency-sweep: '{part}' is not a concurrency in 1-{LoadSettings.MaxConcurrency}.");
            if (levels.Contains(level)) throw new ArgumentException($"--concurrency-sweep: level {level} is given twice.");
            levels.Add(level);
        }
        return levels;
    }

    /// <summary>
    /// Runs <paramref name="settings"/> at each level (its own request count or duration each time).
    /// <paramref name="run"/> drives one level's generator (a progress display, or just <see cref="LoadGenerator.RunAsync"/>);
    /// a cancelled level ends the sweep, and the report holds the levels that ran.
    /// </summary>
    public static async Task<ConcurrencySweepReport> RunAsync(LoadSettings settings, IReadOnlyList<int> levels,
        Func<LoadGenerator, LoadSettings, CancellationToken, Task<LoadReport>> run, CancellationToken ct)
    {
        if (levels.Count == 0) throw new ArgumentException("No concurrency levels to run.");
        var started = DateTimeOffset.UtcNow;
        var reports = new List<LoadReport>(levels.Count);
        foreach (var level in levels)
        {
            var at = settings with { Concurrency = level };
            using var generator = new LoadGenerator(at);
            var report = await run(generator, at, ct);
            reports.Add(report);
            if (report.Cancelled || ct.IsCancellationRequested) break;
        }
        return new ConcurrencySweepReport
        {
            StartedUtc = started,
            Model = settings.Model,
            Protocol = settings.Protocol.Name(),
            Nodes = settings.Nodes.Select(n => n.ToString()).ToList(),
            RequestsPerLevel = settings.Requests,
            SecondsPerLevel = settings.Duration?.TotalSeconds,
            Levels = reports,
        };
    }
}

/// <summary>A concurrency sweep: one full load report per level, in the order they ran.</summary>
public sealed record ConcurrencySweepReport
{
    public required DateTimeOffset StartedUtc { get; init; }
    public required string Model { get; init; }
    public required string Protocol { get; init; }
    public required IReadOnlyList<string> Nodes { get; init; }
    public required int? RequestsPerLevel { get; init; }
    public required double? SecondsPerLevel { get; init; }
    public required IReadOnlyList<LoadReport> Levels { get; init; }

    public long Sent => Levels.Sum(l => l.Sent);
    public long Failed => Levels.Sum(l => l.Failed);
    public bool Cancelled => Levels.Any(l => l.Cancelled);
}
