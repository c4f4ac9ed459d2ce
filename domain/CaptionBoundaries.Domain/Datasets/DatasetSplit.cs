namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// The split names allowed in a manifest. "test" is optional: a held-out split that training never sees and that only
/// the finished run's best checkpoint is evaluated on.
/// </summary>
public static class DatasetSplit
{
    public const string Train = "train";
    public const string Validation = "val";
    public const string Test = "test";

    public static readonly IReadOnlyList<string> All = [Train, Validation, Test];
}
