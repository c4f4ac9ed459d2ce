using CaptionBoundaries.Contracts;

namespace CaptionBoundaries.Domain.Monitoring;

/// <summary>One score over its threshold in a window.</summary>
public sealed record DriftBreach(string Metric, double Value, double Threshold, string Message);

/// <summary>The scores of one window against a reference, and which of them crossed their thresholds.</summary>
public sealed record DriftResult(
    int WindowCount,
    double ConfidencePsi,
    int PsiBins,
    double ClassJs,
    double ClassChi2,
    double ClassChi2P,
    IReadOnlyList<int> ClassCounts,
    IReadOnlyDictionary<string, KsScore> InputKs,
    double MeanConfidence,
    double MeanLatencyMs,
    IReadOnlyList<DriftBreach> Breaches)
{
    /// <summary>Every metric evaluated, with its value: what the alert bookkeeping walks over.</summary>
    public IEnumerable<string> Metrics =>
        new[] { DriftMetrics.ConfidencePsi, DriftMetrics.ClassJs, DriftMetrics.ClassChi2 }.Concat(InputKs.Keys.Select(DriftMetrics.InputKs));
}

public sealed record KsScore(double D, double P);

/// <summary>Metric names as alerts and the API show them.</summary>
public static class DriftMetrics
{
    public const string ConfidencePsi = "confidence_psi";
    public const string ClassJs = "class_js";
    public const string ClassChi2 = "class_chi2";
    public const string InputKsPrefix = "input_ks:";

    public static string InputKs(string statistic) => InputKsPrefix + statistic;
}

/// <summary>Scores a window of predictions against a version's reference profile (pure: no I/O).</summary>
public static class DriftEvaluator
{
    public static DriftResult Evaluate(ReferenceProfile reference, IReadOnlyList<PredictionRecord> window, DriftSettings settings)
    {
        if (window.Count == 0) throw new ArgumentException("A window needs at least one prediction.", nameof(window));
        if (reference.Confidences.Count == 0) throw new ArgumentException("The reference profile has no samples.", nameof(reference));

        var confidences = window.Select(p => p.Confidence).ToArray();
        var bins = DriftMath.PsiBinsFor(reference.Confidences.Count, settings.PsiBins);
        var edges = DriftMath.QuantileEdges(reference.Confidences, bins);
        var psi = DriftMath.Psi(DriftMath.Proportions(DriftMath.BinCounts(reference.Confidences, edges)),
            DriftMath.Proportions(DriftMath.BinCounts(confidences, edges)));

        var classCounts = new int[TaskSpec.ClassCount];
        foreach (var p in window)
        {
            var k = TaskSpec.Classes.ToList().IndexOf(p.PredictedClass);
            if (k >= 0) classCounts[k]++;
        }
        var js = DriftMath.JensenShannon(reference.ClassCounts.Select(c => (double)c).ToArray(), classCounts.Select(c => (double)c).ToArray());
        var (chi2, _, chi2P) = DriftMath.ChiSquareHomogeneity(reference.ClassCounts, classCounts);

        var inputs = new Dictionary<string, KsScore>();
        var statistics = window.Select(p => p.Statistics()).ToArray();
        for (var s = 0; s < InputStatistics.Names.Count; s++)
        {
            var name = InputStatistics.Names[s];
            if (!reference.Inputs.TryGetValue(name, out var referenceValues) || referenceValues.Count == 0) continue;
            var (d, p) = DriftMath.KolmogorovSmirnov(referenceValues, statistics.Select(v => v[s]).ToArray());
            inputs[name] = new KsScore(d, p);
        }

        var breaches = new List<DriftBreach>();
        if (psi > settings.PsiThreshold)
            breaches.Add(new(DriftMetrics.ConfidencePsi, psi, settings.PsiThreshold,
                $"confidence distribution shifted: PSI {psi:0.###} > {settings.PsiThreshold:0.###} ({bins} bins)"));
        if (js > settings.ClassJsThreshold)
            breaches.Add(new(DriftMetrics.ClassJs, js, settings.ClassJsThreshold,
                $"predicted-class distribution shifted: Jensen-Shannon {js:0.####} bits > {settings.ClassJsThreshold:0.####} ({Describe(classCounts)} vs reference {Describe(reference.ClassCounts)})"));
        if (chi2P < settings.ClassChi2Alpha)
            breaches.Add(new(DriftMetrics.ClassChi2, chi2P, settings.ClassChi2Alpha,
                $"predicted-class counts differ from the reference: chi-square {chi2:0.##}, p = {chi2P:0.###e+0} < {settings.ClassChi2Alpha}"));
        foreach (var (name, score) in inputs)
        {
            if (score.P < settings.InputKsAlpha)
                breaches.Add(new(DriftMetrics.InputKs(name), score.P, settings.InputKsAlpha,
                    $"input statistic {name} shifted: KS D = {score.D:0.###}, p = {score.P:0.###e+0} < {settings.InputKsAlpha} (window mean {statistics.Average(v => v[InputStatistics.Names.ToList().IndexOf(name)]):0.###}, reference mean {reference.Inputs[name].Average():0.###})"));
        }

        return new DriftResult(window.Count, psi, edges.Length + 1, js, chi2, chi2P, classCounts, inputs,
            confidences.Average(), window.Average(p => p.LatencyMs), breaches);
    }

    private static string Describe(IReadOnlyList<int> counts) =>
        string.Join(" ", TaskSpec.Classes.Select((c, i) => $"{c}={counts[i]}"));
}
