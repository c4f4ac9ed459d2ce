using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Training;

/// <summary>
/// Accuracy, per-class F1 and macro-F1 from a confusion matrix (rows: true class, columns: predicted class).
/// A class with no true and no predicted samples gets F1 0, as scikit-learn's default does, so a model that
/// never sees a class cannot look better than one that does.
/// </summary>
public sealed record ClassificationMetrics(double Accuracy, double MacroF1, IReadOnlyList<double> PerClassF1, long[][] ConfusionMatrix)
{
    public static ClassificationMetrics FromConfusion(long[][] confusion)
    {
        var n = confusion.Length;
        long total = 0, correct = 0;
        var f1 = new double[n];
        for (var c = 0; c < n; c++)
        {
            long tp = confusion[c][c], fp = 0, fn = 0;
            for (var k = 0; k < n; k++)
            {
                total += confusion[c][k];
                if (k == c) continue;
                fn += confusion[c][k];
                fp += confusion[k][c];
            }
            correct += tp;
            var denominator = 2 * tp + fp + fn;
            f1[c] = denominator == 0 ? 0 : 2.0 * tp / denominator;
        }
        return new ClassificationMetrics(total == 0 ? 0 : (double)correct / total, f1.Average(), f1, confusion);
    }

    public static long[][] EmptyConfusion() =>
        Enumerable.Range(0, TaskSpec.ClassCount).Select(_ => new long[TaskSpec.ClassCount]).ToArray();

    public IReadOnlyDictionary<string, double> PerClassF1ByName() =>
        TaskSpec.Classes.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => PerClassF1[x.i]);
}
