using CaptionBoundaries.Domain.Common;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Domain.Training.Isolation;

/// <summary>
/// Configuration section "Training": how a node protects itself from the runs it accepts. A run's estimated peak memory
/// must fit <see cref="MaxRunMemoryBytes"/> before it is queued; with <see cref="TrainingIsolation.Process"/> each run
/// trains in its own worker process, killed when it outgrows that limit or stops making progress.
/// </summary>
public sealed record TrainingOptions(
    long MaxRunMemoryBytes,
    TrainingIsolation Isolation,
    string? WorkerCommand,
    TimeSpan ProgressTimeout,
    TimeSpan StopGracePeriod)
{
    public const string Section = "Training";

    /// <summary>Half the machine's memory: serving, the other slots and the OS keep the rest.</summary>
    public static long DefaultMaxRunMemoryBytes => Math.Max(ByteSize.GiB, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    public static readonly TimeSpan DefaultProgressTimeout = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultStopGracePeriod = TimeSpan.FromSeconds(30);

    public static TrainingOptions Default => new(DefaultMaxRunMemoryBytes, TrainingIsolation.Process, null, DefaultProgressTimeout, DefaultStopGracePeriod);

    /// <summary>Values were checked at start-up (<see cref="Configuration.KnownSettings"/>); this only reads them.</summary>
    public static TrainingOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return new TrainingOptions(
            ByteSize.TryParse(section["MaxRunMemory"], out var limit) ? limit : DefaultMaxRunMemoryBytes,
            string.Equals(section["Isolation"]?.Trim(), "inprocess", StringComparison.OrdinalIgnoreCase) ? TrainingIsolation.InProcess : TrainingIsolation.Process,
            string.IsNullOrWhiteSpace(section["WorkerCommand"]) ? null : section["WorkerCommand"]!.Trim(),
            TimeSpan.TryParse(section["ProgressTimeout"], System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : DefaultProgressTimeout,
            TimeSpan.TryParse(section["StopGracePeriod"], System.Globalization.CultureInfo.InvariantCulture, out var g) ? g : DefaultStopGracePeriod);
    }
}

public enum TrainingIsolation
{
    /// <summary>Each run in a child process of this host, supervised by its slot (the default for <c>serve</c>).</summary>
    Process,

    /// <summary>On the server's thread pool, as the CLI's <c>train</c> does: a run that exhausts memory takes the node with it.</summary>
    InProcess,
}
