namespace CaptionBoundaries.Grains.Abstractions;

/// <summary>Where a registered version's checkpoint came from (the registry's <c>source</c> column).</summary>
public static class ModelVersionSources
{
    /// <summary>A tracked run's checkpoint: the only source whose run is trusted as lineage and drift reference.</summary>
    public const string Experiment = "experiment";

    /// <summary>Any other file: uploaded bytes or a path; its metadata's run id is not believed.</summary>
    public const string Upload = "upload";
}
