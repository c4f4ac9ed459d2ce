namespace CaptionBoundaries.Ui.Runs;

/// <summary>One cell of a confusion matrix: the samples labelled <see cref="TrueClass"/> that were predicted <see cref="PredictedClass"/>.</summary>
public sealed record ConfusionCell(string TrueClass, string PredictedClass);
