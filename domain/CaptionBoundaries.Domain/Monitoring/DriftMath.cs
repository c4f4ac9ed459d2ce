namespace CaptionBoundaries.Domain.Monitoring;

/// <summary>
/// The drift statistics, as small pure functions (each checked against hand-computed values in the tests):
/// population stability index over reference-quantile bins, Jensen-Shannon divergence and a chi-square test of
/// homogeneity for class counts, and the two-sample Kolmogorov-Smirnov test for a continuous input statistic.
/// </summary>
public static class DriftMath
{
    /// <summary>Proportions below this are raised to it in the PSI, so an empty bin gives a large but finite term.</summary>
    public const double PsiFloor = 1e-4;

    /// <summary>
    /// Bin edges at the reference's quantiles: edge i (1 ≤ i &lt; bins) is the sorted reference value at index
    /// floor(i·n/bins). Equal edges are merged, so heavily tied data gives fewer bins. The first and last bins are
    /// open (everything below the first edge, everything at or above the last), so no reference bin is empty.
    /// </summary>
    public static double[] QuantileEdges(IReadOnlyList<double> reference, int bins)
    {
        if (reference.Count == 0) throw new ArgumentException("A reference sample is needed for bin edges.", nameof(reference));
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "At least one bin.");
        var sorted = reference.OrderBy(v => v).ToArray();
        var edges = new List<double>();
        for (var i = 1; i < bins; i++)
        {
            var edge = sorted[(int)Math.Floor(i * (double)sorted.Length / bins)];
            // An edge at the minimum would leave the first bin empty in the reference.
            if (edge > sorted[0] && (edges.Count == 0 || edge > edges[^1])) edges.Add(edge);
        }
        return [.. edges];
    }

    /// <summary>Counts per bin for the edges of <see cref="QuantileEdges"/>: bin j holds edges[j-1] ≤ x &lt; edges[j].</summary>
    public static int[] BinCounts(IEnumerable<double> values, IReadOnlyList<double> edges)
    {
        var counts = new int[edges.Count + 1];
        foreach (var v in values)
        {
            var bin = 0;
            while (bin < edges.Count && v >= edges[bin]) bin++;
            counts[bin]++;
        }
        return counts;
    }

    /// <summary>Counts as proportions of their total (all zeros when the total is zero).</summary>
    public static double[] Proportions(IReadOnlyList<int> counts)
    {
        var total = counts.Sum();
        return counts.Select(c => total == 0 ? 0 : c / (double)total).ToArray();
    }

    /// <summary>PSI = Σ (w − r)·ln(w / r) over bins, with each proportion raised to at least <see cref="PsiFloor"/>.</summary>
    public static double Psi(IReadOnlyList<double> reference, IReadOnlyList<double> window)
    {
        if (reference.Count != window.Count) throw new ArgumentException("Both distributions need the same bins.");
        var psi = 0.0;
        for (var i = 0; i < reference.Count; i++)
        {
            var r = Math.Max(reference[i], PsiFloor);
            var w = Math.Max(window[i], PsiFloor);
            psi += (w - r) * Math.Log(w / r);
        }
        return psi;
    }

    /// <summary>PSI of a window against a reference sample over the reference's quantile bins.</summary>
    public static double Psi(IReadOnlyList<double> referenceSample, IReadOnlyList<double> windowSample, int bins)
    {
        var edges = QuantileEdges(referenceSample, bins);
        return Psi(Proportions(BinCounts(referenceSample, edges)), Proportions(BinCounts(windowSample, edges)));
    }

    /// <summary>
    /// How many PSI bins a reference of <paramref name="referenceSize"/> values supports: at most
    /// <paramref name="configured"/>, and about 20 reference values per bin (at least 2 bins), because the PSI of a
    /// same-distribution window grows with bins/n and would otherwise cross a 0.25 threshold on noise alone.
    /// </summary>
    public static int PsiBinsFor(int referenceSize, int configured) => Math.Clamp(referenceSize / 20, 2, Math.Max(2, configured));

    /// <summary>Jensen-Shannon divergence in bits (0 = identical, 1 = disjoint) of two distributions given as counts or proportions.</summary>
    public static double JensenShannon(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        if (p.Count != q.Count) throw new ArgumentException("Both distributions need the same categories.");
        var ps = Normalise(p);
        var qs = Normalise(q);
        double js = 0;
        for (var i = 0; i < ps.Length; i++)
        {
            var m = (ps[i] + qs[i]) / 2;
            if (ps[i] > 0) js += 0.5 * ps[i] * Math.Log2(ps[i] / m);
            if (qs[i] > 0) js += 0.5 * qs[i] * Math.Log2(qs[i] / m);
        }
        return Math.Max(0, js);
    }

    /// <summary>
    /// Chi-square test of homogeneity of two count vectors (a 2×k table): are both samples drawn from one
    /// categorical distribution? Categories empty in both are left out; df = (categories used − 1).
    /// </summary>
    public static (double Statistic, int DegreesOfFreedom, double PValue) ChiSquareHomogeneity(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count != b.Count) throw new ArgumentException("Both samples need the same categories.");
        double na = a.Sum(), nb = b.Sum(), n = na + nb;
        if (na == 0 || nb == 0) return (0, 0, 1);
        var statistic = 0.0;
        var used = 0;
        for (var i = 0; i < a.Count; i++)
        {
            double column = a[i] + b[i];
            if (column == 0) continue;
            used++;
            var ea = na * column / n;
            var eb = nb * column / n;
            statistic += (a[i] - ea) * (a[i] - ea) / ea + (b[i] - eb) * (b[i] - eb) / eb;
        }
        var df = used - 1;
        return df < 1 ? (0, 0, 1) : (statistic, df, ChiSquareSurvival(statistic, df));
    }

    /// <summary>P(X ≥ x) for a chi-square variable with <paramref name="df"/> degrees of freedom.</summary>
    public static double ChiSquareSurvival(double x, int df) => x <= 0 ? 1 : RegularizedGammaQ(df / 2.0, x / 2);

    /// <summary>
    /// Two-sample Kolmogorov-Smirnov: D = sup |F₁ − F₂| over the pooled values (ties stepped together), and the
    /// asymptotic p-value Q_KS((√nₑ + 0.12 + 0.11/√nₑ)·D) with nₑ = n·m/(n+m) (Stephens' small-sample correction).
    /// </summary>
    public static (double D, double PValue) KolmogorovSmirnov(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count == 0 || b.Count == 0) return (0, 1);
        var x = a.OrderBy(v => v).ToArray();
        var y = b.OrderBy(v => v).ToArray();
        int i = 0, j = 0;
        double d = 0;
        while (i < x.Length && j < y.Length)
        {
            var v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v) i++;
            while (j < y.Length && y[j] == v) j++;
            d = Math.Max(d, Math.Abs(i / (double)x.Length - j / (double)y.Length));
        }
        var ne = x.Length * (double)y.Length / (x.Length + y.Length);
        var sqrt = Math.Sqrt(ne);
        return (d, KolmogorovQ((sqrt + 0.12 + 0.11 / sqrt) * d));
    }

    /// <summary>Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}, the Kolmogorov distribution's upper tail (1 for small λ).</summary>
    public static double KolmogorovQ(double lambda)
    {
        if (lambda < 0.2) return 1;
        double sum = 0, previous = 0, sign = 2;
        for (var j = 1; j <= 100; j++)
        {
            var term = sign * Math.Exp(-2 * j * j * lambda * lambda);
            sum += term;
            if (Math.Abs(term) <= 1e-10 * Math.Abs(previous) || Math.Abs(term) <= 1e-16 * sum) return Math.Clamp(sum, 0, 1);
            sign = -sign;
            previous = term;
        }
        return 1;
    }

    /// <summary>The regularised upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a) (series below a+1, continued fraction above).</summary>
    public static double RegularizedGammaQ(double a, double x)
    {
        if (a <= 0) throw new ArgumentOutOfRangeException(nameof(a), a, "a must be positive.");
        if (x <= 0) return 1;
        var logPrefix = -x + a * Math.Log(x) - LogGamma(a);
        if (x < a + 1)
        {
            double term = 1 / a, sum = term, ap = a;
            for (var n = 0; n < 1000; n++)
            {
                ap += 1;
                term *= x / ap;
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-15) break;
            }
            return Math.Clamp(1 - sum * Math.Exp(logPrefix), 0, 1);
        }
        // Lentz's continued fraction.
        const double tiny = 1e-300;
        double bb = x + 1 - a, c = 1 / tiny, dd = 1 / bb, h = dd;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            bb += 2;
            dd = an * dd + bb;
            if (Math.Abs(dd) < tiny) dd = tiny;
            c = bb + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            dd = 1 / dd;
            var delta = dd * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15) break;
        }
        return Math.Clamp(Math.Exp(logPrefix) * h, 0, 1);
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7).</summary>
    public static double LogGamma(double x)
    {
        double[] g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var sum = g[0];
        for (var i = 1; i < g.Length; i++) sum += g[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    private static double[] Normalise(IReadOnlyList<double> values)
    {
        var total = values.Sum();
        return values.Select(v => total > 0 ? v / total : 0).ToArray();
    }
}
