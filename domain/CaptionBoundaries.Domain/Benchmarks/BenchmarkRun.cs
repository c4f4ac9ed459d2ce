namespace CaptionBoundaries.Domain.Benchmarks;

/// <summary>One benchmark of a served model's versions on a fixed test set: the key of the performance table.</summary>
public sealed class BenchmarkRun
{
    public Guid Id { get; set; }
    public required string ModelName { get; set; }

    /// <summary>SHA-256 identity of the dataset, so runs on the same data can be told apart from runs that only share a folder.</summary>
    public required string DatasetIdentity { get; set; }

    public required string DatasetName { get; set; }

    /// <summary>val, train or all (see <see cref="BenchmarkSplits"/>).</summary>
    public required string Split { get; set; }

    public DateTime CreatedAtUtc { get; set; }
    public required string Device { get; set; }

    public List<BenchmarkResult> Results { get; set; } = [];
}
