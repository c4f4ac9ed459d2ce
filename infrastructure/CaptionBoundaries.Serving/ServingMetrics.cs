using System.Globalization;
using CaptionBoundaries.Grains.Abstractions;
using Prometheus;

namespace CaptionBoundaries.Serving;

/// <summary>
/// The Prometheus collectors of this node's serving, in a registry of its own (not prometheus-net's static default: two
/// hosts in one process, as in the tests, must not add up into each other). <see cref="ServingRecorder"/> and the model
/// cache update them in the same calls that update their own counters; the host exports <see cref="Registry"/> at
/// <c>/metrics</c>. Every label value comes from a short fixed list or from a registered model and version, never from a
/// request's path (see docs/serving-metrics.md): unknown models are counted under <see cref="UnknownModel"/>.
/// </summary>
public sealed class ServingMetrics
{
    /// <summary>The model label of requests for a model nobody registered (so a stranger's typos cannot add series).</summary>
    public const string UnknownModel = "_unknown_";

    /// <summary>The version or route label of a request that failed before a version or route was chosen.</summary>
    public const string None = "none";

    public const string OutcomeOk = "ok";
    public const string OutcomeFailed = "failed";

    /// <summary>1 ms to 10 s: a tiny model answers in milliseconds, a ResNet batch on a busy CPU in seconds.</summary>
    public static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Powers of two up to 1024 (Limits:MaxPredictSamples and ServingOptions.MaxBatchSize stay below it).</summary>
    public static readonly double[] SizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly Counter _requests;
    private readonly Counter _failures;
    private readonly Histogram _latency;
    private readonly Histogram _samples;
    private readonly Histogram _forwardRows;
    private readonly Counter _shadowCompared;
    private readonly Counter _shadowDisagreed;
    private readonly Gauge _loaded;
    private readonly object _loadedGate = new();

    public ServingMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("caption_boundaries_serving_requests_total",
            "Prediction requests by model, version, serving route (production, canary, shadow, pinned) and outcome (ok, failed).",
            ["model", "version", "route", "outcome"]);
        _failures = factory.CreateCounter("caption_boundaries_serving_failures_total",
            "Failed prediction requests by model, version and reason (bad_input, not_found, forbidden, rate_limited, too_large, unavailable, internal, ...).",
            ["model", "version", "reason"]);
        _latency = factory.CreateHistogram("caption_boundaries_serving_request_duration_seconds",
            "Server-side time of answered prediction requests, from the predictor receiving the request to its answer.",
            ["model", "version", "route"], new HistogramConfiguration { Buckets = LatencyBuckets });
        _samples = factory.CreateHistogram("caption_boundaries_serving_request_samples",
            "Samples per answered prediction request (1 for /predict, the instances of a batch request).",
            ["model", "version"], new HistogramConfiguration { Buckets = SizeBuckets });
        _forwardRows = factory.CreateHistogram("caption_boundaries_serving_forward_batch_rows",
            "Rows per forward pass of a loaded version: how many queued samples the batcher stacked together.",
            ["model", "version"], new HistogramConfiguration { Buckets = SizeBuckets });
        _shadowCompared = factory.CreateCounter("caption_boundaries_serving_shadow_compared_total",
            "Samples a shadow candidate answered beside production.", ["model", "version"]);
        _shadowDisagreed = factory.CreateCounter("caption_boundaries_serving_shadow_disagreed_total",
            "Samples where a shadow candidate predicted another class than production.", ["model", "version"]);
        _loaded = factory.CreateGauge("caption_boundaries_serving_loaded_versions",
            "Versions loaded in this node's memory (1 per loaded model version; the series goes away when it is unloaded).",
            ["model", "version"]);
    }

    public CollectorRegistry Registry { get; }

    public void Answered(string model, int version, string route, int samples, double latencyMs)
    {
        var v = Label(version);
        _requests.WithLabels(model, v, route, OutcomeOk).Inc();
        _latency.WithLabels(model, v, route).Observe(latencyMs / 1000.0);
        _samples.WithLabels(model, v).Observe(samples);
    }

    public void Failed(string model, int? version, string reason, string? route)
    {
        var v = version is { } n ? Label(n) : None;
        _requests.WithLabels(model, v, route ?? None, OutcomeFailed).Inc();
        _failures.WithLabels(model, v, reason).Inc();
    }

    public void ShadowCompared(string model, int version, int compared, int disagreed)
    {
        var v = Label(version);
        _shadowCompared.WithLabels(model, v).Inc(compared);
        _shadowDisagreed.WithLabels(model, v).Inc(disagreed);
    }

    public void ForwardPass(string model, int version, int rows) => _forwardRows.WithLabels(model, Label(version)).Observe(rows);

    public void VersionLoaded(string model, int version)
    {
        lock (_loadedGate) _loaded.WithLabels(model, Label(version)).Inc();
    }

    public void VersionUnloaded(string model, int version)
    {
        lock (_loadedGate)
        {
            var gauge = _loaded.WithLabels(model, Label(version));
            gauge.Dec();
            // A version unloaded for good leaves no flat-zero series behind (versions come and go with switches).
            if (gauge.Value <= 0) gauge.Remove();
        }
    }

    private static string Label(int version) => version.ToString(CultureInfo.InvariantCulture);
}
