using CaptionBoundaries.Domain.Datasets;

namespace CaptionBoundaries.Tests.Support;

/// <summary>Predict request bodies as a client builds them: a dataset sample's image files, base64-encoded.</summary>
public static class PredictBodies
{
    public static Dictionary<string, object?> Of(string datasetFolder, DatasetManifestSample sample) => new()
    {
        ["frame1"] = Base64(datasetFolder, sample, "frame1", sample.Frame1),
        ["frame2"] = Base64(datasetFolder, sample, "frame2", sample.Frame2),
        ["ocr_viz"] = Base64(datasetFolder, sample, "ocr_viz", sample.OcrViz),
        ["spatial_features"] = sample.SpatialFeatures,
        ["caption_box"] = sample.CaptionBox,
    };

    /// <summary>The body of the dataset's sample at <paramref name="index"/>.</summary>
    public static Dictionary<string, object?> Of(string datasetFolder, int index = 0) => Of(datasetFolder, DatasetManifest.Load(datasetFolder).Samples[index]);

    private static string Base64(string folder, DatasetManifestSample sample, string field, string relative) =>
        Convert.ToBase64String(File.ReadAllBytes(DatasetManifest.ResolveImagePath(folder, sample, field, relative)));
}
