using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Domain.Benchmarks;

/// <summary>What <see cref="VersionBenchmarker"/> measured for one loaded model.</summary>
public sealed record VersionMeasurement(
    double LatencyP50Ms,
    double LatencyP95Ms,
    double ThroughputPerSecond,
    ClassificationMetrics Metrics,
    int Samples);
