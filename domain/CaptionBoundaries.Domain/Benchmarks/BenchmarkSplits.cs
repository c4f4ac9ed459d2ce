using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;

namespace CaptionBoundaries.Domain.Benchmarks;

/// <summary>Which samples of a dataset folder a benchmark runs on.</summary>
public static class BenchmarkSplits
{
    public const string All = "all";

    public static readonly IReadOnlyList<string> Names = [DatasetSplit.Validation, DatasetSplit.Train, All];

    public static IReadOnlyList<DatasetSample> Select(CaptionDataset dataset, string split) => split switch
    {
        DatasetSplit.Validation => dataset.Validation,
        DatasetSplit.Train => dataset.Train,
        All => [.. dataset.Train, .. dataset.Validation],
        _ => throw DomainException.Invalid($"Split '{split}' is not one of: {string.Join(", ", Names)}."),
    };
}
