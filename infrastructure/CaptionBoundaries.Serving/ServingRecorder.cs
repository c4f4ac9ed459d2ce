using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Domain.Serving;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Registry;

namespace CaptionBoundaries.Serving;

/// <summary>Which way a request went: the model's production version, a canary or shadow candidate, or a version the request named.</summary>
public static class ServingRoutes
{
    public const string Production = "production";
    public const string Canary = "canary";
    public const string Shadow = "shadow";
    public const string Pinned = "pinned";
}

/// <summary>Why a prediction failed, as counted (few, stable values: they are metric labels).</summary>
public static class ServingFailureReasons
{
    public const string BadInput = "bad_input";
    public const string NotFound = "not_found";
    public const string NoActiveVersion = "no_active_version";
    public const string Forbidden = "forbidden";
    public const string RateLimited = "rate_limited";
    public const string TooLarge = "too_large";
    public const string Unavailable = "unavailable";
    public const string Internal = "internal";

    /// <summary>No credentials, or ones that do not hold (401), counted at the edge.</summary>
    public const string Unauthenticated = "unauthenticated";
}

/// <summary>
/// Counts this node's serving per model and version: requests by route, failures by reason, latency (percentiles of
/// the last <see cref="LatencyWindow"/> requests), predicted-class mix and shadow disagreement. In memory and per node;
/// the Prometheus export sums nodes. Thread-safe; cheap enough to call on every request.
/// Each call also updates the Prometheus collectors (<see cref="ServingMetrics"/>) when there are some. A failure
/// without a version names whatever model the request named: with <see cref="RegisteredModels"/>, a name nobody
/// registered is counted as <see cref="ServingMetrics.UnknownModel"/> and "not found", so that request paths cannot
/// grow these tables or the metrics' label sets.
/// </summary>
public sealed class ServingRecorder(ServingMetrics? metrics = null, RegisteredModels? registered = null)
{
    public const int LatencyWindow = 2048;


    private readonly object _gate = new();
    private readonly Dictionary<(string Model, int Version), VersionCounters> _versions = [];
    private readonly Dictionary<string, Dictionary<string, long>> _failuresWithoutVersion = new(StringComparer.Ordinal);

    public void Answered(string model, int version, string route, IReadOnlyList<string> predictedClasses, double latencyMs)
    {
        lock (_gate)
        {
            var c = CountersOf(model, version);
            c.Requests++;
            c.Samples += predictedClasses.Count;
            Increment(c.ByRoute, route);
            foreach (var cls in predictedClasses) Increment(c.ClassMix, cls);
            c.Latencies[c.LatencyNext++ % LatencyWindow] = latencyMs;
            c.LatencyCount = Math.Min(c.LatencyCount + 1, LatencyWindow);
        }
        metrics?.Answered(model, version, route, predictedClasses.Count, latencyMs);
    }

    /// <summary>A failed request; <paramref name="version"/> is null when it failed before a version was chosen.</summary>
    public void Failed(string model, int? version, string reason) => Failed(model, version, reason, route: null);

    /// <summary>A failed request that had already been given a <paramref name="route"/> (null: none yet).</summary>
    public void Failed(string model, int? version, string reason, string? route)
    {
        // A version was resolved only for a registered model; without one, the name is the request's word.
        if (version is null && registered is not null && !registered.IsRegistered(model))
        {
            model = ServingMetrics.UnknownModel;
            if (reason == ServingFailureReasons.NoActiveVersion) reason = ServingFailureReasons.NotFound;
        }
        lock (_gate)
        {
            if (version is { } v) Increment(CountersOf(model, v).Failures, reason);
            else
            {
                if (!_failuresWithoutVersion.TryGetValue(model, out var failures)) _failuresWithoutVersion[model] = failures = new(StringComparer.Ordinal);
                Increment(failures, reason);
            }
        }
        metrics?.Failed(model, version, reason, route);
    }

    /// <summary>A shadow candidate answered a copy of production traffic; <paramref name="disagreed"/> of the samples got another class.</summary>
    public void ShadowCompared(string model, int candidateVersion, int compared, int disagreed)
    {
        lock (_gate)
        {
            var c = CountersOf(model, candidateVersion);
            c.ShadowCompared += compared;
            c.ShadowDisagreed += disagreed;
        }
        metrics?.ShadowCompared(model, candidateVersion, compared, disagreed);
    }

    /// <summary>A shadow copy of a production request was not computed: the candidate's shadow queue on this node was full.</summary>
    public void ShadowDropped(string model, int candidateVersion)
    {
        lock (_gate) CountersOf(model, candidateVersion).ShadowDropped++;
    }

    /// <summary>A shadow copy failed on the candidate (its client had production's answer and never saw it).</summary>
    public void ShadowFailed(string model, int candidateVersion)
    {
        lock (_gate) CountersOf(model, candidateVersion).ShadowFailures++;
    }

    public IReadOnlyList<VersionServingFigures> Snapshot(string model)
    {
        lock (_gate)
        {
            return _versions.Where(e => e.Key.Model == model).OrderBy(e => e.Key.Version)
                .Select(e => e.Value.ToStats(e.Key.Version)).ToList();
        }
    }

    /// <summary>Failures of requests that never reached a version (no active version, unknown version, refused input).</summary>
    public IReadOnlyDictionary<string, long> FailuresWithoutVersion(string model)
    {
        lock (_gate) return _failuresWithoutVersion.TryGetValue(model, out var f) ? new Dictionary<string, long>(f) : new Dictionary<string, long>();
    }

    private VersionCounters CountersOf(string model, int version)
    {
        if (!_versions.TryGetValue((model, version), out var c)) _versions[(model, version)] = c = new VersionCounters();
        return c;
    }

    private static void Increment(Dictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private sealed class VersionCounters
    {
        public long Requests;
        public long Samples;
        public long ShadowCompared;
        public long ShadowDisagreed;
        public long ShadowDropped;
        public long ShadowFailures;
        public readonly Dictionary<string, long> ByRoute = new(StringComparer.Ordinal);
        public readonly Dictionary<string, long> Failures = new(StringComparer.Ordinal);
        public readonly Dictionary<string, long> ClassMix = new(StringComparer.Ordinal);
        public readonly double[] Latencies = new double[LatencyWindow];
        public long LatencyNext;
        public int LatencyCount;

        public VersionServingFigures ToStats(int version)
        {
            var window = Latencies.Take(LatencyCount).Order().ToArray();
            double? At(double q) => window.Length == 0 ? null : window[Math.Min(window.Length - 1, (int)Math.Ceiling(q * window.Length) - 1)];
            return new VersionServingFigures(version, Requests, Samples, new Dictionary<string, long>(ByRoute), new Dictionary<string, long>(Failures),
                At(0.50), At(0.95), At(0.99), new Dictionary<string, long>(ClassMix), ShadowCompared, ShadowDisagreed, ShadowDropped, ShadowFailures);
        }
    }
}
