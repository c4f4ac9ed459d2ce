namespace CaptionBoundaries.Domain.Datasets;

/// <summary>The two split names allowed in a manifest.</summary>
public static class DatasetSplit
{
    public const string Train = "train";
    public const string Validation = "val";

    public static readonly IReadOnlyList<string> All = [Train, Validation];
}
