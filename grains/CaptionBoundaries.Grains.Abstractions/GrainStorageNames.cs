namespace CaptionBoundaries.Grains.Abstractions;

public static class GrainStorageNames
{
    /// <summary>The grain storage every persistent grain uses (EF Core backed in the silo; memory in some tests).</summary>
    public const string Default = "captionboundaries";
}
