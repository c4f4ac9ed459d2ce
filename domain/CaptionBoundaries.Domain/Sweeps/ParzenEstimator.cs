namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// A one-dimensional Parzen density on [low, high]: a truncated Gaussian at each observed point plus one wide prior
/// component at the centre. The prior keeps the density positive everywhere, so the l/g ratio is defined even where
/// the "bad" trials never went. Bandwidths follow Hyperopt's rule: the larger gap to a sorted neighbour (the bounds
/// count as neighbours), clipped to [range / min(100, n + 1), range] so a cluster of points cannot collapse to a spike.
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly double _low;
    private readonly double _high;
    private readonly double[] _mus;
    private readonly double[] _sigmas;
    private readonly double[] _logNormalisers;

    public ParzenEstimator(IEnumerable<double> points, double low, double high)
    {
        _low = low;
        _high = high;
        var range = high - low;
        var sorted = points.Order().ToArray();
        var n = sorted.Length;
        var minSigma = range / Math.Min(100.0, n + 1.0);

        _mus = new double[n + 1];
        _sigmas = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            var left = i == 0 ? low : sorted[i - 1];
            var right = i == n - 1 ? high : sorted[i + 1];
            _mus[i] = sorted[i];
            _sigmas[i] = Math.Clamp(Math.Max(sorted[i] - left, right - sorted[i]), minSigma, range);
        }
        _mus[n] = low + range / 2;
        _sigmas[n] = range;

        _logNormalisers = new double[n + 1];
        for (var i = 0; i <= n; i++)
        {
            var mass = NormalCdf((high - _mus[i]) / _sigmas[i]) - NormalCdf((low - _mus[i]) / _sigmas[i]);
            _logNormalisers[i] = Math.Log(Math.Max(mass, 1e-300)) + Math.Log(_sigmas[i]) + 0.5 * Math.Log(2 * Math.PI);
        }
    }

    /// <summary>Draws a point: a component chosen uniformly, then its Gaussian truncated to the bounds by rejection.</summary>
    public double Sample(Random random)
    {
        var k = random.Next(_mus.Length);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var z = _mus[k] + _sigmas[k] * StandardNormal(random);
            if (z >= _low && z <= _high) return z;
        }
        return Math.Clamp(_mus[k], _low, _high);
    }

    /// <summary>Log density (equal component weights), by log-sum-exp so far tails do not underflow to -inf.</summary>
    public double LogDensity(double z)
    {
        var terms = new double[_mus.Length];
        for (var i = 0; i < _mus.Length; i++)
        {
            var u = (z - _mus[i]) / _sigmas[i];
            terms[i] = -0.5 * u * u - _logNormalisers[i];
        }
        var max = terms.Max();
        return max + Math.Log(terms.Sum(t => Math.Exp(t - max))) - Math.Log(_mus.Length);
    }

    private static double StandardNormal(Random random)
    {
        // Box–Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    internal static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    // Chebyshev fit of erfc (Numerical Recipes' erfcc), fractional error below 1.2e-7 everywhere: ample for a density ratio.
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
            t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
