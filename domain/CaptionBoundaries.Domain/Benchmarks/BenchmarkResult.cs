namespace CaptionBoundaries.Domain.Benchmarks;

/// <summary>What one model version measured in one <see cref="BenchmarkRun"/>.</summary>
public sealed class BenchmarkResult
{
    public Guid RunId { get; set; }
    public int Version { get; set; }

    /// <summary>The checkpoint file's SHA-256 as verified just before the measurement.</summary>
    public required string CheckpointSha256 { get; set; }

    public double LatencyP50Ms { get; set; }
    public double LatencyP95Ms { get; set; }
    public double ThroughputPerSecond { get; set; }
    public double Accuracy { get; set; }
    public double MacroF1 { get; set; }

    /// <summary>F1 per class name, as a JSON object in the task's class order.</summary>
    public required string PerClassF1Json { get; set; }

    public int Samples { get; set; }
}
