using System.Diagnostics;
using CaptionBoundaries.Application.Monitoring;
using CaptionBoundaries.Grains.Serving;
using Orleans.Concurrency;

namespace CaptionBoundaries.Grains.Predictors;

/// <summary>
/// Answers predictions for one model (key: its name). Stateless and reentrant so one activation can have many
/// requests waiting in the batch queue at once; the loaded weights live in the silo-wide <see cref="LoadedModelCache"/>,
/// not in the activation, so extra workers cost no memory. Each answer is handed to the <see cref="PredictionLog"/>
/// (an in-memory buffer; the writes happen in batches in the background) before it is returned.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class PredictorGrain(LoadedModelCache cache, IGrainFactory grains, PredictionLog log, ActiveVersionFallback fallback)
    : Grain, IPredictorGrain
{
    public async Task<PredictionOutput> Predict(PredictionInput input)
    {
        var started = Stopwatch.GetTimestamp();
        var model = this.GetPrimaryKeyString();
        // Asked on every request rather than cached: once a switch has returned, no request may still be
        // resolved to the old version. The call is an in-memory read that interleaves with a running switch.
        // Only while the model grain is unreachable (its node just died) does the last answer stand in.
        var active = await fallback.ResolveAsync(model, () => grains.GetGrain<IModelGrain>(model).GetActiveVersion())
            ?? throw new KeyNotFoundException(
                $"Model '{model}' has no active version: register a checkpoint and switch to it (or set the production alias) first.");
        var logging = log.Enabled;
        var (output, statistics) = await cache.PredictObservedAsync(active, input, logging);
        if (logging && statistics is not null)
        {
            await log.RecordAsync(new PredictionLogEntry(model, output.Version, output.PredictedClass, output.Confidence,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, DateTime.UtcNow, statistics));
        }
        return output;
    }
}
