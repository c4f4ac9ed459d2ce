using CaptionBoundaries.Domain.Training;

namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>The epoch metrics a sweep can optimise, by the name a definition gives them.</summary>
public static class SweepMetricReader
{
    private static readonly Dictionary<string, Func<EpochMetrics, double>> Readers = new(StringComparer.Ordinal)
    {
        ["val_macro_f1"] = m => m.ValMacroF1,
        ["val_loss"] = m => m.ValLoss,
        ["val_accuracy"] = m => m.ValAccuracy,
        ["train_loss"] = m => m.TrainLoss,
    };

    public static IReadOnlyCollection<string> Names => Readers.Keys;

    public static bool IsKnown(string name) => Readers.ContainsKey(name);

    public static double Read(string name, EpochMetrics metrics) => Readers[name](metrics);
}
