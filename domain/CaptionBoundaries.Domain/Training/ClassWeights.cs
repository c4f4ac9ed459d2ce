using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// Per-class weights of the cross-entropy. "balanced" is scikit-learn's rule: a class's weight is
/// n_samples / (n_classes * n_class) over the train split, so every class adds the same total weight to the loss; a class
/// with no train sample gets 1 (it is never a target, and 1 leaves its label-smoothing share as it would be unweighted).
/// </summary>
public static class ClassWeights
{
    public const string None = "none";
    public const string Balanced = "balanced";

    public static readonly IReadOnlyList<string> All = [None, Balanced];

    /// <summary>The weights for <paramref name="mode"/> given the train split's class counts; null for none.</summary>
    public static float[]? For(string mode, IReadOnlyList<int> trainClassCounts)
    {
        if (mode != Balanced) return null;
        var total = trainClassCounts.Sum();
        return trainClassCounts
            .Select(n => n == 0 ? 1f : (float)(total / ((double)TaskSpec.ClassCount * n)))
            .ToArray();
    }
}
