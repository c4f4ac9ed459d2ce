namespace CaptionBoundaries.Domain.Datasets;

/// <summary>
/// One labelled pair of consecutive frames as stored in manifest.json. Paths are relative to the dataset folder.
/// <see cref="CaptionBox"/> is the caption region [x0, y0, x1, y1] normalised to the frame size, used only to crop
/// the region the font embedder sees; when absent, the boxes in the spatial features are used instead.
/// </summary>
public sealed record DatasetManifestSample(
    string Id,
    string Split,
    string Label,
    string Frame1,
    string Frame2,
    string OcrViz,
    float[] SpatialFeatures,
    float[]? CaptionBox = null);
