using System.Collections.Concurrent;
using System.Diagnostics;
using CaptionBoundaries.Domain.Registry;
using CaptionBoundaries.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Serving;

/// <summary>
/// Runs shadow candidates on copies of production requests after production has answered, off the request path: per
/// model a <see cref="BoundedWorkQueue{T}"/> (<see cref="ServingOptions.ShadowQueueCapacity"/> copies,
/// <see cref="ServingOptions.ShadowMaxPendingBytes"/> of input); what waited is taken together, up to
/// <see cref="ServingOptions.ShadowMaxInFlight"/> copies, so the candidate's batcher answers them in few forward passes,
/// and one such group runs at a time per model. A copy that does not fit is dropped and counted. The shadow's answers are compared with production's sample by sample and recorded
/// (<see cref="ServingRecorder.ShadowCompared"/>); they never reach a client and are not prediction-logged.
/// </summary>
public sealed class ShadowTraffic(LoadedModelCache cache, ServingRecorder recorder, ServingOptions options, ILogger<ShadowTraffic> logger)
{
    private readonly ConcurrentDictionary<string, BoundedWorkQueue<ShadowCopy>> _queues = new(StringComparer.Ordinal);

    /// <summary>
    /// Queues the copy, or drops and counts it; never waits and never throws for the caller: production has answered already.
    /// </summary>
    public bool Offer(ActiveModelVersion route, PredictionInput[] samples, IReadOnlyList<string> productionClasses)
    {
        if (route.Split is not { Mode: TrafficSplitModes.Shadow } split) return false;
        var model = route.Model;
        try
        {
            var queue = _queues.GetOrAdd(model, _ => new BoundedWorkQueue<ShadowCopy>(options.ShadowQueueCapacity, options.ShadowMaxPendingBytes, options.ShadowMaxInFlight, RunAsync, logger));
            if (queue.TryEnqueue(new ShadowCopy(route, split.Candidate, samples, [.. productionClasses]), BytesOf(samples))) return true;
            recorder.ShadowDropped(model, split.Candidate.Version);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Model {Model}: could not queue a shadow copy for version {Version}.", model, split.Candidate.Version);
            recorder.ShadowDropped(model, split.Candidate.Version);
        }
        return false;
    }

    /// <summary>Shadow copies waiting for <paramref name="model"/> on this node.</summary>
    public int Waiting(string model) => _queues.TryGetValue(model, out var q) ? q.Waiting : 0;

    private Task RunAsync(IReadOnlyList<ShadowCopy> copies) => Task.WhenAll(copies.Select(RunAsync));

    private async Task RunAsync(ShadowCopy copy)
    {
        var model = copy.Route.Model;
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The candidate is answered through the same cache and batcher as a canary: its lease keeps it loaded meanwhile.
            var answers = await Task.WhenAll(copy.Samples.Select(s => cache.PredictObservedAsync(copy.Route, copy.Candidate, s, withStatistics: false)));
            var classes = answers.Select(a => a.Output.PredictedClass).ToArray();
            var disagreed = classes.Where((c, i) => !string.Equals(c, copy.ProductionClasses[i], StringComparison.Ordinal)).Count();
            recorder.Answered(model, copy.Candidate.Version, ServingRoutes.Shadow, classes, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            recorder.ShadowCompared(model, copy.Candidate.Version, classes.Length, disagreed);
        }
        catch (Exception e)
        {
            recorder.ShadowFailed(model, copy.Candidate.Version);
            logger.LogWarning("Model {Model}: shadow version {Version} failed on a copied request: {Error}", model, copy.Candidate.Version, e.Message);
        }
    }

    /// <summary>What the copy keeps alive while it waits: the images as sent (encoded bytes or FP32 pixels) and the vectors.</summary>
    internal static long BytesOf(IEnumerable<PredictionInput> samples) =>
        samples.Sum(s => Bytes(s.Frame1) + Bytes(s.Frame2) + Bytes(s.OcrViz)
            + 4L * ((s.SpatialFeatures?.Length ?? 0) + (s.CaptionBox?.Length ?? 0) + (s.FontEmbedding?.Length ?? 0)));

    private static long Bytes(InputImage? image) => (image?.Encoded?.LongLength ?? 0) + 4L * (image?.Pixels?.LongLength ?? 0);

    private sealed record ShadowCopy(ActiveModelVersion Route, ModelVersionInfo Candidate, PredictionInput[] Samples, string[] ProductionClasses);
}
