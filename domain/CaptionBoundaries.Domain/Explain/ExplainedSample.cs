namespace CaptionBoundaries.Domain.Explain;

/// <summary>
/// One heatmap of one image input as PNGs at the model's input size: the input as the model saw it, the heatmap
/// blended over it, and the heatmap alone (jet colours).
/// </summary>
/// <param name="SharedWith">Other inputs this same map explains (see <see cref="InputHeatmap.SharedWith"/>).</param>
public sealed record ExplainedMap(
    string Input, string Method, string Source, IReadOnlyList<string> SharedWith, double Peak,
    byte[] ImagePng, byte[] OverlayPng, byte[] HeatmapPng);

/// <summary>A sample's prediction and the heatmaps explaining <see cref="ExplainedClass"/>.</summary>
/// <param name="TrueClass">The labelled class; empty for a sample sent without a label (an upload).</param>
/// <param name="ValidationIndex">The sample's position in the dataset's validation split, when it is in it.</param>
public sealed record ExplainedSample(
    string SampleId, string Split, int? ValidationIndex, string TrueClass, string PredictedClass, double Confidence,
    IReadOnlyDictionary<string, double> Probabilities, string ExplainedClass, IReadOnlyList<ExplainedMap> Maps)
{
    public bool Misclassified => TrueClass.Length > 0 && TrueClass != PredictedClass;
}

/// <summary>Which class's logit an explanation follows: the predicted one, the labelled one, or a named class.</summary>
public static class ExplainTarget
{
    public const string Predicted = "predicted";
    public const string True = "true";

    public static IReadOnlyList<string> Choices => [Predicted, True, .. Contracts.TaskSpec.Classes];

    public static bool IsValid(string? target) => target is not null && Choices.Contains(target);

    /// <summary>The class index to explain, or null for "whatever the model predicts".</summary>
    public static int? ClassIndex(string target, int trueLabel) => target switch
    {
        Predicted => null,
        True => trueLabel,
        _ => Contracts.TaskSpec.ClassIndex(target),
    };
}
