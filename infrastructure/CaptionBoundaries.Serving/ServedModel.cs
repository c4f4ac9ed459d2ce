using System.Diagnostics;
using System.Threading.Channels;
using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Inference;
using CaptionBoundaries.Grains.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace CaptionBoundaries.Serving;

/// <summary>
/// One checkpoint loaded for serving, with its batching queue: requests are queued as batch-of-1 inputs and a
/// single worker stacks whatever arrives within <see cref="ServingOptions.BatchWindow"/> (up to
/// <see cref="ServingOptions.MaxBatchSize"/>) into one forward pass. One worker per version also means a
/// module is never run by two threads at once. The model lives on the node's <see cref="ServingDevice"/>; inputs are
/// prepared on the CPU (decoding, resizing) and the stacked batch is moved there once per forward pass.
/// </summary>
internal sealed class ServedModel : IAsyncDisposable
{
    private readonly Channel<PendingForward> _queue = Channel.CreateUnbounded<PendingForward>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task<LoadedModel>> _loaded;
    private readonly ServingOptions _options;
    private readonly ServingCounters _counters;
    private readonly ServingDevice _device;
    private readonly ServingMetrics? _metrics;
    private readonly Task _worker;

    /// <param name="model">The model that loaded this version, for the metrics' labels (a checkpoint registered under
    /// two models is loaded once, and its forward passes are counted under the first).</param>
    public ServedModel(string model, ModelVersionInfo version, CheckpointLoader loader, ServingOptions options, ServingCounters counters,
        ServingDevice device, ServingMetrics? metrics)
    {
        Model = model;
        Version = version;
        _options = options;
        _counters = counters;
        _device = device;
        _metrics = metrics;
        _loaded = new Lazy<Task<LoadedModel>>(() => Task.Run(() => Load(version, loader)));
        _worker = Task.Run(RunBatchesAsync);
    }

    public string Model { get; }

    public ModelVersionInfo Version { get; }

    /// <summary>The model, loaded on first use; every later caller gets the same instance.</summary>
    public Task<LoadedModel> LoadedAsync => _loaded.Value;

    public bool IsLoaded => _loaded.IsValueCreated && _loaded.Value.IsCompletedSuccessfully;

    public bool LoadFailed => _loaded.IsValueCreated && _loaded.Value.IsFaulted;

    /// <summary>Queues a batch-of-1 input (ownership passes to the queue) and completes with its 5 class probabilities.</summary>
    public Task<float[]> ForwardAsync(CaptionInputs inputs)
    {
        var pending = new PendingForward(inputs);
        if (!_queue.Writer.TryWrite(pending))
        {
            Dispose(inputs);
            throw new ObjectDisposedException($"Version {Version.Version} ({Version.CheckpointPath}) is no longer served.");
        }
        return pending.Probabilities.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker;
        if (IsLoaded)
        {
            _loaded.Value.Result.Dispose();
            _metrics?.VersionUnloaded(Model, Version.Version);
        }
    }

    private LoadedModel Load(ModelVersionInfo version, CheckpointLoader loader)
    {
        var loaded = loader.Load(version.CheckpointPath, _device.Device);
        // The model grain checked the hash at switch time; a file replaced since then must not be served under this version.
        if (!string.Equals(loaded.Sha256, version.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            loaded.Dispose();
            throw new InvalidOperationException(
                $"Checkpoint '{version.CheckpointPath}' of version {version.Version} changed since it was validated: " +
                $"checksum is {loaded.Sha256}, registered {version.Sha256}. Switch to a valid version.");
        }
        _counters.Loaded();
        _metrics?.VersionLoaded(Model, version.Version);
        return loaded;
    }

    private async Task RunBatchesAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingForward>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            var deadline = Stopwatch.GetTimestamp() + (long)(_options.BatchWindow.TotalSeconds * Stopwatch.Frequency);
            while (batch.Count < _options.MaxBatchSize)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                    continue;
                }
                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (batch.Count > 0 && left <= TimeSpan.Zero) break;
                if (!await WaitForMore(reader, batch.Count == 0 ? Timeout.InfiniteTimeSpan : left)) break;
            }
            if (batch.Count > 0) await RunBatch(batch);
        }
    }

    private static async Task<bool> WaitForMore(ChannelReader<PendingForward> reader, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await reader.WaitToReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RunBatch(List<PendingForward> batch)
    {
        try
        {
            var loaded = await LoadedAsync;
            var rows = Forward(loaded, batch, _device);
            _counters.Batch(batch.Count);
            _metrics?.ForwardPass(Model, Version.Version, batch.Count);
            for (var i = 0; i < batch.Count; i++)
                batch[i].Probabilities.TrySetResult(rows.AsSpan(i * TaskSpec.ClassCount, TaskSpec.ClassCount).ToArray());
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Probabilities.TrySetException(e);
        }
        finally
        {
            foreach (var p in batch) Dispose(p.Inputs);
        }
    }

    // Synchronous on purpose: no_grad and dispose scopes are per thread, so nothing may await in between.
    private static float[] Forward(LoadedModel loaded, List<PendingForward> batch, ServingDevice device)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // Stacked on the CPU where the inputs were prepared, then one copy per input to the model's device.
        Tensor Stack(Func<CaptionInputs, Tensor> field)
        {
            var stacked = cat(batch.Select(p => field(p.Inputs)).ToArray(), 0);
            return device.IsCpu ? stacked : stacked.to(device.Device);
        }
        var inputs = new CaptionInputs(
            Stack(i => i.Frame1), Stack(i => i.Frame2), Stack(i => i.OcrViz),
            Stack(i => i.SpatialFeatures), Stack(i => i.FontEmbedding));
        var logits = loaded.Model.forward(inputs);
        return nn.functional.softmax(logits, 1).cpu().data<float>().ToArray();
    }

    private static void Dispose(CaptionInputs inputs)
    {
        foreach (var t in inputs.Tensors) t.Dispose();
    }
}
