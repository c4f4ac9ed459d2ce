namespace CaptionBoundaries.Domain.Inference;

/// <summary>The model's answer for one sample; <see cref="TrueClass"/> is set when the data carries a label.</summary>
public sealed record Prediction(
    string SampleId,
    string PredictedClass,
    double Confidence,
    IReadOnlyDictionary<string, double> Probabilities,
    string? TrueClass,
    double[] Logits);
