using System.Diagnostics;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Monitoring;
using CaptionBoundaries.Serving;
using Orleans.Concurrency;

namespace CaptionBoundaries.Grains.Predictors;

/// <summary>
/// Answers predictions for one model (key: its name), with its production version, its canary or (on a copy, after
/// production has answered) its shadow. Stateless and reentrant so one activation can have many
/// requests waiting in the batch queue at once; the loaded weights live in the silo-wide <see cref="LoadedModelCache"/>,
/// not in the activation, so extra workers cost no memory. Each answer is handed to the <see cref="PredictionLog"/>
/// (an in-memory buffer; the writes happen in batches in the background) before it is returned.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class PredictorGrain(
    LoadedModelCache cache, IGrainFactory grains, PredictionLog log, ActiveVersionFallback fallback, ServingRecorder recorder, ShadowTraffic shadow)
    : Grain, IPredictorGrain
{
    public async Task<PredictionOutput[]> Predict(PredictionInput[] samples, PredictOptions options)
    {
        var model = this.GetPrimaryKeyString();
        int? version = null;
        try
        {
            return await PredictCounted(model, samples, options, v => version = v);
        }
        catch (Exception e)
        {
            recorder.Failed(model, version, e switch
            {
                DomainException { Kind: DomainErrorKind.Invalid } or InputShapeException => ServingFailureReasons.BadInput,
                DomainException { Kind: DomainErrorKind.NotFound } when version is null && options?.Version is null => ServingFailureReasons.NoActiveVersion,
                DomainException { Kind: DomainErrorKind.NotFound } => ServingFailureReasons.NotFound,
                _ => ServingFailureReasons.Internal,
            });
            throw;
        }
    }

    private async Task<PredictionOutput[]> PredictCounted(string model, PredictionInput[] samples, PredictOptions options, Action<int> chosen)
    {
        var started = Stopwatch.GetTimestamp();
        if (samples is not { Length: > 0 }) throw DomainException.Invalid($"Model '{model}': a request needs at least one sample.");
        options ??= PredictOptions.Default;
        var modelGrain = grains.GetGrain<IModelGrain>(model);
        // Asked on every request rather than cached: once a switch, promote or abort has returned, no request may still
        // be resolved to the old route. The call is an in-memory read that interleaves with a running change and returns
        // the active version and the split together. Only while the model grain is unreachable (its node just died) does
        // the last answer stand in.
        var active = await fallback.ResolveAsync(model, () => modelGrain.GetActiveVersion())
            ?? throw DomainException.NotFound(
                $"Model '{model}' has no active version: register a checkpoint and switch to it (or set the production alias) first.");
        var (answering, route) = await ChooseAsync(model, modelGrain, active, options);
        chosen(answering.Version);

        var logging = log.Enabled;
        // Every sample is queued at once: the version's batcher stacks them (with other requests') into forward passes.
        var answers = await Task.WhenAll(samples.Select(s => cache.PredictObservedAsync(active, answering, s, logging)));
        var latencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var outputs = answers.Select(a => a.Output with { LatencyMs = latencyMs }).ToArray();
        var classes = outputs.Select(o => o.PredictedClass).ToArray();
        recorder.Answered(model, answering.Version, route, classes, latencyMs);
        // A shadow sees a copy of production's traffic after production has answered; the offer never waits (a full
        // queue drops the copy and counts it).
        if (route == ServingRoutes.Production && active.Split is { Mode: TrafficSplitModes.Shadow }) shadow.Offer(active, samples, classes);
        if (logging)
        {
            foreach (var (output, statistics) in answers)
            {
                if (statistics is null) continue;
                await log.RecordAsync(new PredictionLogEntry(model, output.Version, output.PredictedClass, output.Confidence,
                    latencyMs, DateTime.UtcNow, statistics));
            }
        }
        return outputs;
    }

    /// <summary>
    /// The version that answers: the one the request names (pinned), else the canary when the request falls in its share
    /// (by routing key, or at random without one), else production.
    /// </summary>
    private static async Task<(ModelVersionInfo Version, string Route)> ChooseAsync(string model, IModelGrain modelGrain, ActiveModelVersion active, PredictOptions options)
    {
        if (options.Version is { } wanted && wanted != active.Version.Version)
        {
            var pinned = active.Split?.Candidate is { } candidate && candidate.Version == wanted
                ? candidate
                : await modelGrain.GetServableVersion(wanted)
                  ?? throw DomainException.NotFound($"Model '{model}' has no version {wanted} that can serve (not registered, or archived).");
            return (pinned, ServingRoutes.Pinned);
        }
        if (options.Version is null && active.Split is { Mode: TrafficSplitModes.Canary } canary
            && CanaryRouting.TakesCanary(model, canary.Candidate.Version, canary.SharePercent, options.RoutingKey))
            return (canary.Candidate, ServingRoutes.Canary);
        return (active.Version, ServingRoutes.Production);
    }
}
