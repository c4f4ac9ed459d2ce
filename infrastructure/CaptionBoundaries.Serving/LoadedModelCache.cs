using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Domain.Monitoring;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Grains.Abstractions;
using CaptionBoundaries.Infrastructure.Monitoring;
using Microsoft.Extensions.Logging;

namespace CaptionBoundaries.Serving;

/// <summary>
/// The checkpoints this process serves, each loaded once (keyed by file SHA-256) and shared by every predictor
/// activation. A model's active version and, while a split runs, its canary or shadow candidate stay loaded; any other
/// version is loaded for the requests that name it. Requests hold a lease on the version they were resolved to, so a
/// version that stops being active (or a candidate whose split ended) stays loaded until its last in-flight request has
/// its answer, and is disposed then.
/// </summary>
public sealed class LoadedModelCache : IAsyncDisposable
{
    private readonly CheckpointLoader _loader;
    private readonly PluginRegistry _plugins;
    private readonly ServingOptions _options;
    private readonly ILogger<LoadedModelCache> _logger;
    private readonly ServingDevice _device;
    private readonly ServingMetrics? _metrics;
    private readonly ServingCounters _counters = new();
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ModelRoute> _routeByModel = new(StringComparer.Ordinal);
    private readonly List<Task> _disposals = [];
    private bool _disposed;

    /// <param name="device">Where the models run (the node's <see cref="ServingDevice"/>); the CPU when not given.</param>
    /// <param name="metrics">Prometheus collectors for forward-pass sizes and loaded versions, if this node exports them.</param>
    public LoadedModelCache(CheckpointLoader loader, PluginRegistry plugins, ServingOptions options, ILogger<LoadedModelCache> logger,
        ServingDevice? device = null, ServingMetrics? metrics = null)
    {
        options.Validate();
        _loader = loader;
        _plugins = plugins;
        _options = options;
        _logger = logger;
        _device = device ?? ServingDevice.Cpu;
        _metrics = metrics;
    }

    /// <summary>Where this cache's models run and their forward passes happen.</summary>
    public ServingDevice Device => _device;

    public ServingStatistics Statistics
    {
        get
        {
            lock (_gate) return _counters.Snapshot(_entries.Count);
        }
    }

    /// <summary>
    /// Answers one sample with the given version (the one active when the request arrived), batched with
    /// concurrent requests for the same version. Bad input throws an invalid <see cref="DomainException"/> naming the field.
    /// </summary>
    public async Task<PredictionOutput> PredictAsync(ActiveModelVersion active, PredictionInput input) =>
        (await PredictObservedAsync(active, active.Version, input, withStatistics: false)).Output;

    /// <summary>
    /// Like <see cref="PredictAsync"/>, answered by <paramref name="answering"/> (the active version, or another one
    /// the request asked for: loaded while requests use it, unloaded after), and with <paramref name="withStatistics"/>
    /// also the monitoring input statistics of the sample as the model saw it (<see cref="InputStatistics.Names"/> order).
    /// </summary>
    public async Task<(PredictionOutput Output, double[]? Statistics)> PredictObservedAsync(
        ActiveModelVersion active, ModelVersionInfo answering, PredictionInput input, bool withStatistics)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(answering);
        if (input is null) throw DomainException.Invalid($"Model '{active.Model}': the prediction input is missing.");
        var entry = Acquire(active, answering);
        try
        {
            var loaded = await entry.Served.LoadedAsync;
            var (inputs, statistics) = await PrepareAsync(active.Model, answering, loaded, input, withStatistics);
            var probabilities = await entry.Served.ForwardAsync(inputs);
            var best = Array.IndexOf(probabilities, probabilities.Max());
            return (new PredictionOutput(active.Model, answering.Version, TaskSpec.Classes[best], probabilities[best],
                TaskSpec.Classes.Select((c, k) => (c, k)).ToDictionary(x => x.c, x => (double)probabilities[x.k])), statistics);
        }
        finally
        {
            Release(entry);
        }
    }

    // Decoding is where a request's memory goes (a 4096 x 4096 image is 48 MB decoded): at most one decode per core at
    // once, whatever the number of requests and samples in flight, so decoded images cannot pile up.
    private async Task<(CaptionInputs Inputs, double[]? Statistics)> PrepareAsync(
        string model, ModelVersionInfo answering, LoadedModel loaded, PredictionInput input, bool withStatistics)
    {
        await _preparing.WaitAsync();
        try
        {
            return await Task.Run(() => BuildInputs(model, answering, loaded, input, withStatistics));
        }
        finally
        {
            _preparing.Release();
        }
    }

    private readonly SemaphoreSlim _preparing = new(Environment.ProcessorCount);

    public async ValueTask DisposeAsync()
    {
        List<Entry> all;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            all = [.. _entries.Values];
            _entries.Clear();
        }
        foreach (var e in all) await e.Served.DisposeAsync();
        Task[] pending;
        lock (_gate) pending = [.. _disposals];
        await Task.WhenAll(pending);
    }

    private (CaptionInputs Inputs, double[]? Statistics) BuildInputs(string model, ModelVersionInfo answering, LoadedModel loaded, PredictionInput input, bool withStatistics)
    {
        var meta = loaded.Metadata;
        if (!_plugins.TryGetEmbedder(meta.EmbedderName, out var embedder))
            throw new InvalidOperationException(
                $"Model '{model}' version {answering.Version} needs embedder '{meta.EmbedderName}', which is not registered.");
        string field = "frame1";
        try
        {
            var transform = new ImageTransform(meta.ImageHeight, meta.ImageWidth);
            var frame1 = input.Frame1.ToRgbImage();
            field = "frame2";
            var frame2 = input.Frame2.ToRgbImage();
            field = "ocr_viz";
            var ocrViz = input.OcrViz.ToRgbImage();
            field = "";
            var sample = CaptionDataset.PrepareSingle(frame1, frame2, ocrViz, input.SpatialFeatures, embedder, transform,
                input.CaptionBox, input.FontEmbedding);
            var statistics = withStatistics ? InputStatistics.Compute(sample, transform.Height, transform.Width) : null;
            return (CaptionDataset.ToInputs(sample, transform), statistics);
        }
        catch (Exception e) when (e is DatasetFormatException or IOException or InvalidDataException or InvalidOperationException
            or ArgumentException or Domain.Common.InputTooLargeException)
        {
            var detail = e is DatasetFormatException { Field: { } f } ? $"field '{f}': {StripSamplePrefix(e.Message)}"
                : field.Length > 0 ? $"field '{field}': {e.Message}" : e.Message;
            throw DomainException.Invalid($"Prediction input for model '{model}' is not usable: {detail}");
        }
    }


    private static string StripSamplePrefix(string message)
    {
        // LoadSingle names its one sample "single" like a dataset row; for a request only the field matters.
        var at = message.IndexOf(": ", StringComparison.Ordinal);
        return at >= 0 ? message[(at + 2)..] : message;
    }

    private Entry Acquire(ActiveModelVersion active, ModelVersionInfo answering)
    {
        var answeringSha = answering.Sha256;
        List<Entry> retired = [];
        Entry entry;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Only a newer answer moves the model's route: answers from the model grain may arrive out of order, and a
            // stale one must not retire the version (or the candidate) that replaced it.
            var incoming = ModelRoute.Of(active);
            if (!_routeByModel.TryGetValue(active.Model, out var current) || active.IsNewerThan(current.Activation, current.SplitRevision))
            {
                foreach (var sha in current?.Pinned ?? Array.Empty<string>())
                {
                    if (incoming.Pins(sha) || !_entries.TryGetValue(sha, out var old)) continue;
                    old.ActiveFor.Remove(active.Model);
                    if (old.Leases == 0 && old.ActiveFor.Count == 0 && RemoveLocked(old) is { } gone) retired.Add(gone);
                }
                _routeByModel[active.Model] = incoming;
                // Versions already loaded for this route (e.g. a pinned request loaded the new candidate) are kept from now on.
                foreach (var sha in incoming.Pinned)
                    if (_entries.TryGetValue(sha, out var kept)) kept.ActiveFor.Add(active.Model);
            }
            if (!_entries.TryGetValue(answeringSha, out entry!))
            {
                entry = new Entry(new ServedModel(active.Model, answering, _loader, _options, _counters, _device, _metrics));
                _entries[answeringSha] = entry;
            }
            if (_routeByModel[active.Model].Pins(answeringSha)) entry.ActiveFor.Add(active.Model);
            entry.Leases++;
        }
        foreach (var r in retired) Retire(r);
        return entry;
    }

    /// <summary>The checkpoints (SHA-256) kept loaded for <paramref name="model"/>'s route: its active version and its split's candidate.</summary>
    public IReadOnlyList<string> KeptFor(string model)
    {
        lock (_gate) return _entries.Values.Where(e => e.ActiveFor.Contains(model)).Select(e => e.Served.Version.Sha256).ToList();
    }

    private void Release(Entry entry)
    {
        Entry? retired = null;
        lock (_gate)
        {
            entry.Leases--;
            // A failed load is dropped too, so the next request retries instead of repeating the old error forever.
            if (entry.Leases == 0 && (entry.ActiveFor.Count == 0 || entry.Served.LoadFailed) && !_disposed)
                retired = RemoveLocked(entry);
        }
        if (retired is not null) Retire(retired);
    }

    private Entry? RemoveLocked(Entry entry)
    {
        if (!_entries.TryGetValue(entry.Served.Version.Sha256, out var stored) || !ReferenceEquals(stored, entry)) return null;
        _entries.Remove(entry.Served.Version.Sha256);
        return entry;
    }

    private void Retire(Entry entry)
    {
        var task = DisposeServed(entry.Served);
        lock (_gate)
        {
            _disposals.RemoveAll(t => t.IsCompleted);
            _disposals.Add(task);
        }
    }

    private async Task DisposeServed(ServedModel served)
    {
        try
        {
            var wasLoaded = served.IsLoaded;
            await served.DisposeAsync();
            if (wasLoaded) _counters.Disposed();
            _logger.LogInformation("Unloaded version {Version} ({Path}): no longer active and no request in flight.",
                served.Version.Version, served.Version.CheckpointPath);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Unloading version {Version} ({Path}) failed.", served.Version.Version, served.Version.CheckpointPath);
        }
    }

    private sealed class Entry(ServedModel served)
    {
        public ServedModel Served { get; } = served;

        public int Leases { get; set; }

        /// <summary>Models (names) whose active version or split candidate this is; empty means it only serves in-flight requests.</summary>
        public HashSet<string> ActiveFor { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>What the cache keeps loaded for one model: its active version and its split's candidate, as of one model-grain answer.</summary>
    private sealed record ModelRoute(long Activation, long SplitRevision, string ActiveSha256, string? CandidateSha256)
    {
        public static ModelRoute Of(ActiveModelVersion active) =>
            new(active.Activation, active.SplitRevision, active.Version.Sha256, active.Split?.Candidate.Sha256);

        public IEnumerable<string> Pinned => CandidateSha256 is null ? [ActiveSha256] : [ActiveSha256, CandidateSha256];

        public bool Pins(string sha256) =>
            string.Equals(ActiveSha256, sha256, StringComparison.OrdinalIgnoreCase)
            || string.Equals(CandidateSha256, sha256, StringComparison.OrdinalIgnoreCase);
    }
}
