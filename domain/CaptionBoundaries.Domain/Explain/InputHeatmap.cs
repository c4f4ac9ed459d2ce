namespace CaptionBoundaries.Domain.Explain;

/// <summary>
/// One heatmap over one image input of one sample, at the input's H x W: row-major <see cref="Values"/> in [0, 1]
/// (1 = the map's maximum).
/// </summary>
/// <param name="Input">frame1, frame2 or ocr_viz.</param>
/// <param name="Method"><see cref="GradCam.GradCamMethod"/> or <see cref="GradCam.AttentionMethod"/>.</param>
/// <param name="Source">The module the map was taken from, e.g. <c>backbone.layer4</c>.</param>
/// <param name="SharedWith">
/// The other inputs the same map explains: a backbone over images stacked as channels has one map for all of them,
/// so this is not a map of <see cref="Input"/> alone. Empty when the map is the input's own.
/// </param>
/// <param name="Peak">The largest value before normalisation; 0 means the map holds no evidence for the class at all.</param>
public sealed record InputHeatmap(
    string Input, string Method, string Source, IReadOnlyList<string> SharedWith, int Height, int Width, float[] Values, double Peak)
{
    public bool IsShared => SharedWith.Count > 0;
}

/// <summary>What the model answered for one sample and the heatmaps explaining <see cref="TargetClass"/>.</summary>
public sealed record SampleHeatmaps(int TargetClass, float[] Logits, IReadOnlyList<InputHeatmap> Heatmaps);
