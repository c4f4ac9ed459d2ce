using System.Text.Json;
using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Monitoring;

/// <summary>
/// What a version's predictions look like on data from its training distribution (its validation split): the
/// predicted-class counts, the confidence values and each input statistic's values. Samples are kept whole (at most
/// <see cref="MaxSample"/> values each) because the KS test and the PSI's quantile bins need the values themselves.
/// </summary>
public sealed record ReferenceProfile
{
    public const int MaxSample = 5000;

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public required int SampleCount { get; init; }

    /// <summary>Predicted-class counts in <see cref="TaskSpec.Classes"/> order.</summary>
    public required IReadOnlyList<int> ClassCounts { get; init; }

    /// <summary>True-label counts of the same samples (what the split holds).</summary>
    public required IReadOnlyList<int> LabelCounts { get; init; }

    public required double Accuracy { get; init; }

    public required IReadOnlyList<double> Confidences { get; init; }

    /// <summary>Each input statistic's values, keyed by <see cref="InputStatistics.Names"/>.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<double>> Inputs { get; init; }

    public IReadOnlyList<int> ConfidenceHistogram => Monitoring.ConfidenceHistogram.Counts(Confidences);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ReferenceProfile FromJson(string json) =>
        JsonSerializer.Deserialize<ReferenceProfile>(json, Json) ?? throw new InvalidDataException("Empty reference profile.");
}

/// <summary>The console's confidence histogram: 10 equal bins over [0, 1] (bin 9 includes 1.0).</summary>
public static class ConfidenceHistogram
{
    public const int Bins = 10;

    public static int[] Counts(IEnumerable<double> confidences)
    {
        var counts = new int[Bins];
        foreach (var c in confidences) counts[Math.Clamp((int)Math.Floor(c * Bins), 0, Bins - 1)]++;
        return counts;
    }

    public static string Label(int bin) => $"{bin / (double)Bins:0.0}-{(bin + 1) / (double)Bins:0.0}";
}
