using System.Globalization;

namespace CaptionBoundaries.Domain.Sweeps;

/// <summary>
/// Tree-structured Parzen estimator (Bergstra et al., 2011), independent per parameter. After
/// <see cref="StartupTrials"/> draws from the priors, the observed trials are split at the <see cref="Gamma"/> quantile
/// of the metric into good and bad; each parameter gets a density l(x) from the good values and g(x) from the bad
/// (<see cref="ParzenEstimator"/> for numbers, in log space for log_uniform and on [min - ½, max + ½] for integers;
/// smoothed counts for categories), <see cref="Candidates"/> points are drawn from l and the one with the largest
/// Σ log l(x) − log g(x) is proposed. Seeded: the same observations in the same order give the same proposals.
/// </summary>
public sealed class TpeSampler : ISweepSampler
{
    private readonly IReadOnlyList<ParameterSpec> _parameters;
    private readonly SweepMetric _metric;
    private readonly Random _random;

    public TpeSampler(IReadOnlyList<ParameterSpec> parameters, SweepMetric metric, int seed,
        int startupTrials = 10, int candidates = 24, double gamma = 0.25)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentOutOfRangeException.ThrowIfLessThan(startupTrials, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        if (!(gamma is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in (0, 1).");
        _parameters = parameters;
        _metric = metric;
        _random = new Random(seed);
        StartupTrials = startupTrials;
        Candidates = candidates;
        Gamma = gamma;
    }

    public int StartupTrials { get; }

    public int Candidates { get; }

    public double Gamma { get; }

    public IReadOnlyDictionary<string, object>? Next(IReadOnlyList<TrialObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var usable = observations.Where(o => double.IsFinite(o.Metric)).ToList();
        if (usable.Count < StartupTrials)
            return _parameters.ToDictionary(p => p.Name, p => ParameterDraw.FromPrior(p, _random));

        // A stable sort by loss, so ties keep observation order and the split does not depend on sort internals.
        var ranked = usable.Select((o, i) => (o, i)).OrderBy(x => _metric.AsLoss(x.o.Metric)).ThenBy(x => x.i).Select(x => x.o).ToList();
        var goodCount = Math.Clamp((int)Math.Ceiling(Gamma * ranked.Count), 1, ranked.Count - 1);
        var good = ranked.Take(goodCount).ToList();
        var bad = ranked.Skip(goodCount).ToList();

        var models = _parameters.Select(p => ParameterModel.Build(p, good, bad)).ToList();
        Dictionary<string, object>? best = null;
        var bestScore = double.NegativeInfinity;
        for (var c = 0; c < Candidates; c++)
        {
            var candidate = new Dictionary<string, object>(_parameters.Count);
            var score = 0.0;
            foreach (var model in models)
            {
                var (value, logRatio) = model.Draw(_random);
                candidate[model.Spec.Name] = value;
                score += logRatio;
            }
            if (score > bestScore || best is null)
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>l and g of one parameter.</summary>
    private abstract class ParameterModel(ParameterSpec spec)
    {
        public ParameterSpec Spec { get; } = spec;

        /// <summary>A value drawn from l and its log l(x) − log g(x).</summary>
        public abstract (object Value, double LogRatio) Draw(Random random);

        public static ParameterModel Build(ParameterSpec p, List<TrialObservation> good, List<TrialObservation> bad) => p.Kind switch
        {
            ParameterKind.Fixed => new FixedModel(p),
            ParameterKind.Categorical => new CategoricalModel(p, good, bad),
            _ => new NumericModel(p, good, bad),
        };
    }

    private sealed class FixedModel(ParameterSpec spec) : ParameterModel(spec)
    {
        public override (object Value, double LogRatio) Draw(Random random) => (Spec.Values[0], 0);
    }

    private sealed class CategoricalModel : ParameterModel
    {
        private readonly double[] _good;
        private readonly double[] _bad;

        public CategoricalModel(ParameterSpec spec, List<TrialObservation> good, List<TrialObservation> bad) : base(spec)
        {
            _good = Smoothed(good);
            _bad = Smoothed(bad);
        }

        public override (object Value, double LogRatio) Draw(Random random)
        {
            var u = random.NextDouble();
            var k = 0;
            for (var acc = _good[0]; acc < u && k < _good.Length - 1; acc += _good[++k])
            {
            }
            return (Spec.Values[k], Math.Log(_good[k]) - Math.Log(_bad[k]));
        }

        // One pseudo-count per category: unseen categories stay possible, and a single observation cannot dominate.
        private double[] Smoothed(List<TrialObservation> trials)
        {
            var counts = Spec.Values.Select(_ => 1.0).ToArray();
            foreach (var t in trials)
            {
                if (!t.Parameters.TryGetValue(Spec.Name, out var v)) continue;
                var k = IndexOf(v);
                if (k >= 0) counts[k]++;
            }
            var total = counts.Sum();
            return counts.Select(c => c / total).ToArray();
        }

        private int IndexOf(object value)
        {
            for (var i = 0; i < Spec.Values.Count; i++)
            {
                if (Equals(Spec.Values[i], value) || (IsNumber(value) && IsNumber(Spec.Values[i]) && ToDouble(value) == ToDouble(Spec.Values[i])))
                    return i;
            }
            return -1;
        }
    }

    private sealed class NumericModel : ParameterModel
    {
        private readonly ParzenEstimator _good;
        private readonly ParzenEstimator _bad;
        private readonly double _low;
        private readonly double _high;

        public NumericModel(ParameterSpec spec, List<TrialObservation> good, List<TrialObservation> bad) : base(spec)
        {
            (_low, _high) = spec.Kind switch
            {
                ParameterKind.LogUniform => (Math.Log(spec.Min), Math.Log(spec.Max)),
                // Widened by half a step so the end integers get as much mass as the inner ones.
                ParameterKind.IntUniform => (spec.Min - 0.5, spec.Max + 0.5),
                _ => (spec.Min, spec.Max),
            };
            _good = new ParzenEstimator(Internal(good), _low, _high);
            _bad = new ParzenEstimator(Internal(bad), _low, _high);
        }

        public override (object Value, double LogRatio) Draw(Random random)
        {
            var z = _good.Sample(random);
            object value;
            switch (Spec.Kind)
            {
                case ParameterKind.LogUniform:
                    value = Math.Clamp(Math.Exp(z), Spec.Min, Spec.Max);
                    break;
                case ParameterKind.IntUniform:
                    var i = (long)Math.Clamp(Math.Round(z), Spec.Min, Spec.Max);
                    z = i;
                    value = i;
                    break;
                default:
                    value = z;
                    break;
            }
            return (value, _good.LogDensity(z) - _bad.LogDensity(z));
        }

        private IEnumerable<double> Internal(List<TrialObservation> trials)
        {
            foreach (var t in trials)
            {
                if (!t.Parameters.TryGetValue(Spec.Name, out var v) || !IsNumber(v)) continue;
                var x = ToDouble(v);
                var z = Spec.Kind == ParameterKind.LogUniform ? Math.Log(Math.Max(x, double.Epsilon)) : x;
                if (double.IsFinite(z)) yield return Math.Clamp(z, _low, _high);
            }
        }
    }

    private static bool IsNumber(object v) => v is long or int or double or float or decimal;

    private static double ToDouble(object v) => Convert.ToDouble(v, CultureInfo.InvariantCulture);
}
