using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Grains.Scheduling;

/// <summary>
/// This silo's worker slots, from configuration section "Cluster": NodeName (default: the machine name),
/// Slots (default 1) and Device (default "cpu"). Keys look like "node-a/cpu:0" or "node-a/cuda:1".
/// </summary>
public sealed record WorkerSlots(string NodeName, string Device, IReadOnlyList<string> Keys)
{
    public const string Section = "Cluster";

    public static WorkerSlots From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var node = section["NodeName"] is { Length: > 0 } n ? n : Environment.MachineName;
        var device = section["Device"] is { Length: > 0 } d ? d.Trim().ToLowerInvariant() : "cpu";
        var count = section.GetValue<int?>("Slots") ?? 1;
        if (count < 1)
            throw new InvalidOperationException($"Configuration key 'Cluster:Slots' is {count}; a silo needs at least one worker slot.");
        if (device is not ("cpu" or "cuda"))
            throw new InvalidOperationException($"Configuration key 'Cluster:Device' is '{device}'; expected cpu or cuda.");
        return new WorkerSlots(node, device, Enumerable.Range(0, count).Select(i => $"{node}/{device}:{i}").ToList());
    }

    /// <summary>The node part of a slot key ("node-a" of "node-a/cpu:0").</summary>
    public static string NodeOf(string slotKey)
    {
        var slash = slotKey.LastIndexOf('/');
        return slash < 0 ? slotKey : slotKey[..slash];
    }

    /// <summary>
    /// The TorchSharp device a slot trains on: "cuda:N" slots each own GPU N; cpu slots share the processor.
    /// </summary>
    public static string DeviceOf(string slotKey)
    {
        var local = slotKey[(slotKey.LastIndexOf('/') + 1)..];
        return local.StartsWith("cuda", StringComparison.Ordinal) ? local : "cpu";
    }
}
