using CaptionBoundaries.Domain.Common;

namespace CaptionBoundaries.Bench.Asha;

/// <summary>Every repeat's result and, over them, the median ASHA/random trial-epoch ratio.</summary>
public sealed record AshaBenchmarkReport(
    string DatasetDescription, string Architecture, int ImageSize, string Device, IReadOnlyList<AshaBenchmarkResult> Runs)
{
    public double MedianRatio => Runs.Count == 0 ? double.NaN : Median.Of(Runs.Select(r => r.Comparison.Ratio));
}
