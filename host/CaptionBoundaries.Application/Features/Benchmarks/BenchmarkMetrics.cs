using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Grains.Abstractions;

namespace CaptionBoundaries.Application.Features.Benchmarks;

/// <summary>
/// The metrics whose history across versions can be asked for: the benchmark's measurements plus the validation
/// macro-F1 recorded at training (from the version's registration).
/// </summary>
public static class BenchmarkMetrics
{
    public const string ValMacroF1 = "val_macro_f1";
    public const string PerClassF1Prefix = "f1_";

    public static readonly IReadOnlyList<string> Names =
    [
        "accuracy", "macro_f1", "latency_p50_ms", "latency_p95_ms", "throughput_per_second", ValMacroF1,
        .. TaskSpec.Classes.Select(c => PerClassF1Prefix + c),
    ];

    public static bool IsKnown(string? metric) => metric is not null && Names.Contains(metric);

    /// <summary>The metric's value for a version, null when that version has no value for it (e.g. never benchmarked).</summary>
    public static double? Value(string metric, ModelVersionInfo version, BenchmarkResultView? result) => metric switch
    {
        ValMacroF1 => version.ValMacroF1,
        _ when result is null => null,
        "accuracy" => result.Accuracy,
        "macro_f1" => result.MacroF1,
        "latency_p50_ms" => result.LatencyP50Ms,
        "latency_p95_ms" => result.LatencyP95Ms,
        "throughput_per_second" => result.ThroughputPerSecond,
        _ when metric.StartsWith(PerClassF1Prefix, StringComparison.Ordinal)
            && result.PerClassF1.TryGetValue(metric[PerClassF1Prefix.Length..], out var f1) => f1,
        _ => throw DomainException.Invalid($"Unknown metric '{metric}'; valid metrics: {string.Join(", ", Names)}."),
    };
}
